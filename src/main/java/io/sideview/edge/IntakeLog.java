package io.sideview.edge;

import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.Write;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a direct write whole or absent on every side, even across a crash. Each side of a BOTH view
 * lives under another node and so on another lane; without this a kill between the two sides' commits
 * left an edge on one side only, and nothing would ever finish it. So a batch is first made durable
 * as one record (put and sync), then its side mutations go to the lanes, and the record is removed
 * once the caller has seen every item applied and synced. At start, before any write is accepted,
 * {@link #replay()} applies every record still there again (applies are idempotent) and removes it.
 *
 * <p>The records live in the view store under {@link #PREFIX}: its first five bytes read as a view id
 * of 0 with or without a salt byte in front, and the registry never allocates view id 0, so no view
 * record can share it.
 */
public class IntakeLog {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeLog.class);
    static final byte[] PREFIX = {0, 0, 0, 0, 0, (byte) 0xFF, 'I'};

    private final KvStore store;
    private final EdgeWriter lanes;
    private final ViewCatalog catalog;
    private final AtomicLong seq = new AtomicLong();

    /**
     * A batch on its way: its records' keys (one per view), and one future per mutation, in the order
     * given (each its OUT side's status, as {@link EdgeWriter#apply}).
     */
    public record Batch(List<byte[]> keys, List<CompletableFuture<ApplyStatus>> applied) {}

    public IntakeLog(KvStore store, EdgeWriter lanes, ViewCatalog catalog) {
        this.store = store;
        this.lanes = lanes;
        this.catalog = catalog;
    }

    /** Records the batch durably, then hands every side of every mutation to the lanes. */
    public Batch write(ViewLayout layout, List<Mutation> mutations) {
        return write(Map.of(layout, mutations));
    }

    /** The same for the mutations of several views (a captured table may feed more than one): one record per view, one sync. */
    public Batch write(Map<ViewLayout, List<Mutation>> byView) {
        List<byte[]> keys = new ArrayList<>(byView.size());
        List<Write> records = new ArrayList<>(byView.size());
        byView.forEach((layout, mutations) -> {
            byte[] key = key(seq.incrementAndGet());
            records.add(new Write.Put(key, WalCodec.encode(
                    new WalCodec.BatchRecord(layout.storageId(), layout.definition().name(), mutations))));
            keys.add(key);
        });
        store.write(records);
        store.sync();
        return new Batch(keys, applyReplayable(byView).applied());
    }

    /**
     * Hands the batch to the lanes without a record, for a batch its source delivers again after a
     * crash at the same versions (a binlog stream whose offsets are committed only once the batch is
     * applied): the replay finishes whatever side a crash left, so the record would only cost a write.
     */
    public Batch applyReplayable(Map<ViewLayout, List<Mutation>> byView) {
        List<CompletableFuture<ApplyStatus>> applied = new ArrayList<>();
        byView.forEach((layout, mutations) -> applied.addAll(lanes.apply(layout, mutations)));
        return new Batch(List.of(), applied);
    }

    /** How one item of a batch ended: its status, or why it failed (then a retry is idempotent). */
    public record Outcome(ApplyStatus status, Throwable failure) {}

    /**
     * Waits for every item of the batch (at most {@code timeoutMs} in all), makes what was applied
     * durable, and removes the record when every item applied. A batch with a failed or late item
     * keeps its record, so the next start finishes it.
     */
    public List<Outcome> finish(Batch batch, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        List<Outcome> out = new ArrayList<>(batch.applied().size());
        boolean all = true;
        for (CompletableFuture<ApplyStatus> f : batch.applied()) {
            try {
                out.add(new Outcome(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.add(new Outcome(null, e));
                all = false;
            } catch (ExecutionException e) {
                out.add(new Outcome(null, e.getCause()));
                all = false;
            } catch (TimeoutException e) {
                out.add(new Outcome(null, e));
                all = false;
            }
        }
        lanes.sync();
        if (all) {
            batch.keys().forEach(store::delete);
        }
        return out;
    }

    /**
     * Finishes the batches a crash interrupted, on every side, then removes their records; returns how
     * many. Call after the lanes started and before any write is accepted.
     */
    public int replay() {
        List<KeyValue> rows = store.scan(KeyRange.prefix(PREFIX), false, Integer.MAX_VALUE);
        long last = System.currentTimeMillis() * 1000;
        List<CompletableFuture<ApplyStatus>> pending = new ArrayList<>();
        List<byte[]> finished = new ArrayList<>();
        for (KeyValue row : rows) {
            last = Math.max(last, seqOf(row.key()));
            WalCodec.BatchRecord batch;
            try {
                batch = WalCodec.decodeBatch(row.value());
            } catch (WalCodec.Unreadable e) {
                // Kept, never guessed at: a newer build may read it; an operator sees why here.
                LOG.error("intake record {} is unreadable ({}); it is kept", Arrays.toString(row.key()), e.getMessage());
                continue;
            }
            Optional<ViewLayout> layout = catalog.generation(batch.viewId(), batch.view());
            if (layout.isPresent()) {
                pending.addAll(lanes.apply(layout.get(), batch.mutations()));
            }
            finished.add(row.key());
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        lanes.sync();
        finished.forEach(store::delete);
        seq.set(last);
        if (!finished.isEmpty()) {
            LOG.info("finished {} intake batches (direct writes, capture batches) a stop interrupted ({} mutations)", finished.size(), pending.size());
        }
        return finished.size();
    }

    private static byte[] key(long seq) {
        return ByteBuffer.allocate(PREFIX.length + 8).put(PREFIX).putLong(seq).array();
    }

    private static long seqOf(byte[] key) {
        return key.length == PREFIX.length + 8 ? ByteBuffer.wrap(key, PREFIX.length, 8).getLong() : 0;
    }
}
