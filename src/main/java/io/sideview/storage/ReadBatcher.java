package io.sideview.storage;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Point reads from many threads, sent as few multi-gets: at most {@code maxInFlight} batches run at
 * once; a read that arrives while they all run waits and goes in the next batch, together with every
 * other read that arrived meanwhile, each distinct key once.
 *
 * <p>Why this is exact: a read only ever joins a batch that has not started yet, so the batch reads
 * storage after the caller asked. Whatever was written before the caller asked is in its answer, as
 * if it had read alone (a read never gets the answer of a batch already on its way, which could predate
 * a write the caller already saw acknowledged).
 *
 * <p>No extra threads: the caller that opens a batch runs it, at once or, when {@code maxInFlight}
 * batches run, as soon as one of them ends (that batch's runner hands its slot over).
 */
final class ReadBatcher {
    private final Function<List<byte[]>, List<byte[]>> multiGet;
    private final int maxInFlight;
    private final int maxKeys;
    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    private int running;

    /**
     * @param multiGet the backend's multi-get (values in key order, null for absent)
     * @param maxInFlight batches running at once, at least 1
     * @param maxKeys distinct keys a batch collects before the next arrivals open another one
     */
    ReadBatcher(Function<List<byte[]>, List<byte[]>> multiGet, int maxInFlight, int maxKeys) {
        if (maxInFlight < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("maxInFlight and maxKeys must be >= 1");
        }
        this.multiGet = multiGet;
        this.maxInFlight = maxInFlight;
        this.maxKeys = maxKeys;
    }

    /** Values in the order of {@code keys}, null where absent. The arrays may be shared: read only. */
    List<byte[]> read(List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        Batch batch;
        int[] slots = new int[keys.size()];
        boolean runs;
        boolean runsNow = false;
        synchronized (this) {
            if (running < maxInFlight) {
                running++;
                batch = new Batch();
                runs = runsNow = true;
            } else {
                Batch last = waiting.peekLast();
                if (last == null || last.keys.size() + keys.size() > maxKeys && !last.keys.isEmpty()) {
                    last = new Batch();
                    waiting.addLast(last);
                    runs = true;
                } else {
                    runs = false;
                }
                batch = last;
            }
            for (int i = 0; i < slots.length; i++) {
                slots[i] = batch.slot(keys.get(i));
            }
        }
        if (runs) {
            if (!runsNow) {
                batch.go.join();
            }
            run(batch);
        }
        List<byte[]> values = await(batch.done);
        List<byte[]> out = new ArrayList<>(slots.length);
        for (int slot : slots) {
            out.add(values.get(slot));
        }
        return out;
    }

    private void run(Batch batch) {
        try {
            List<byte[]> keys;
            synchronized (this) {
                keys = List.copyOf(batch.keys); // closed: nobody joins a batch once it left the queue
            }
            batch.done.complete(multiGet.apply(keys));
        } catch (RuntimeException | Error e) {
            batch.done.completeExceptionally(e);
        } finally {
            Batch next;
            synchronized (this) {
                next = waiting.pollFirst();
                if (next == null) {
                    running--;
                }
            }
            if (next != null) {
                next.go.complete(null); // its opener runs it, in the slot this batch leaves
            }
        }
    }

    /**
     * The answer, or its failure rethrown in the caller's thread (a storage failure wrapped, so the
     * caller's own stack shows too).
     */
    static <T> T await(CompletableFuture<T> done) {
        try {
            return done.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StorageException s) {
                throw new StorageException(s.getMessage(), s);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new StorageException("read failed", cause);
        }
    }

    private static final class Batch {
        final List<byte[]> keys = new ArrayList<>();
        final Map<ByteBuffer, Integer> slotOf = new HashMap<>();
        final CompletableFuture<Void> go = new CompletableFuture<>();
        final CompletableFuture<List<byte[]>> done = new CompletableFuture<>();

        int slot(byte[] key) {
            return slotOf.computeIfAbsent(ByteBuffer.wrap(key), k -> {
                keys.add(key);
                return keys.size() - 1;
            });
        }
    }
}
