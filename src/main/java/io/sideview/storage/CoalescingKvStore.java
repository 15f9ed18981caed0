package io.sideview.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * A backend whose every read is a network round trip (HBase), read in fewer round trips: point reads
 * go in shared multi-gets ({@link ReadBatcher}), equal scans run once for all who asked meanwhile
 * ({@link ReadFlights}). Hot rows (a celebrity's count, the same newest-20 asked by many) then cost one
 * round trip per wave of callers instead of one per caller, and scattered point reads share round trips.
 *
 * <p>Point reads go by key hash to one of {@code readsInFlight} lanes, each with one multi-get in flight
 * at a time. A key always takes the same lane, so a hot row never has two reads in flight (each would
 * cost a round trip for the same answer), while reads of other keys go on in the other lanes (on
 * HBase a multi-get is served by one handler thread, one key after the other).
 *
 * <p>Nothing is cached: every answer is read from storage after its caller asked, so each caller sees
 * every write acknowledged before it asked, whichever process wrote it. Writes pass straight through.
 */
public final class CoalescingKvStore implements KvStore {
    /** Distinct keys a shared multi-get collects at most; an API request asks for at most a few hundred. */
    static final int MAX_BATCH_KEYS = 1_000;

    private final KvStore backend;
    private final ReadBatcher[] lanes;
    private final ReadFlights<ScanKey, List<KeyValue>> scans = new ReadFlights<>();
    private final LongAdder asked = new LongAdder();
    private final LongAdder sent = new LongAdder();

    /** @param readsInFlight lanes of point reads, so shared multi-gets running at once */
    public CoalescingKvStore(KvStore backend, int readsInFlight) {
        if (readsInFlight < 1) {
            throw new IllegalArgumentException("readsInFlight must be >= 1");
        }
        this.backend = backend;
        this.lanes = new ReadBatcher[readsInFlight];
        for (int i = 0; i < readsInFlight; i++) {
            lanes[i] = new ReadBatcher(this::readBatch, 1, MAX_BATCH_KEYS);
        }
    }

    int lane(byte[] key) {
        return Math.floorMod(Arrays.hashCode(key), lanes.length);
    }

    /** A batch of one key (a hot row) as a plain get: HBase's multi-get machinery costs more. */
    private List<byte[]> readBatch(List<byte[]> keys) {
        sent.increment();
        return keys.size() == 1 ? Collections.singletonList(backend.get(keys.get(0)).orElse(null)) : backend.multiGet(keys);
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        asked.increment();
        return Optional.ofNullable(lanes[lane(key)].read(List.of(key)).get(0));
    }

    /**
     * Keys of several lanes are read lane by lane, in lane order: a caller then only ever waits for
     * reads that are running, never while holding up a read of its own in another lane.
     */
    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        asked.increment();
        if (lanes.length == 1) {
            return lanes[0].read(keys);
        }
        List<List<Integer>> positions = new ArrayList<>(lanes.length);
        for (int i = 0; i < lanes.length; i++) {
            positions.add(new ArrayList<>());
        }
        for (int i = 0; i < keys.size(); i++) {
            positions.get(lane(keys.get(i))).add(i);
        }
        byte[][] out = new byte[keys.size()][];
        for (int l = 0; l < lanes.length; l++) {
            List<Integer> at = positions.get(l);
            if (at.isEmpty()) {
                continue;
            }
            List<byte[]> values = lanes[l].read(at.stream().map(keys::get).toList());
            for (int j = 0; j < at.size(); j++) {
                out[at.get(j)] = values.get(j);
            }
        }
        return Arrays.asList(out);
    }

    @Override
    public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
        ScanKey key = new ScanKey(ByteBuffer.wrap(range.start()), range.end() == null ? null : ByteBuffer.wrap(range.end()),
                reverse, limit);
        asked.increment();
        // each caller gets its own list: callers may sort or trim what they get
        return new ArrayList<>(scans.read(key, () -> {
            sent.increment();
            return backend.scan(range, reverse, limit);
        }));
    }

    /** Reads callers asked for (a get, a multi-get or a scan each), since start. */
    public long asked() {
        return asked.sum();
    }

    /** Round trips sent to the backend for them; {@code asked / sent} is the reads shared per trip. */
    public long sent() {
        return sent.sum();
    }

    @Override
    public void put(byte[] key, byte[] value) {
        backend.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        backend.delete(key);
    }

    @Override
    public void write(List<Write> batch) {
        backend.write(batch);
    }

    @Override
    public long deleteRange(KeyRange range) {
        return backend.deleteRange(range);
    }

    @Override
    public boolean fences() {
        return backend.fences();
    }

    @Override
    public FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
        return backend.writeFenced(epoch, sides);
    }

    @Override
    public boolean atomicBatches() {
        return backend.atomicBatches();
    }

    @Override
    public void sync() {
        backend.sync();
    }

    @Override
    public void ping() {
        backend.ping();
    }

    @Override
    public void close() {
        backend.close();
    }

    /** A scan's identity: ByteBuffers compare by content, where byte arrays would compare by identity. */
    private record ScanKey(ByteBuffer start, ByteBuffer end, boolean reverse, int limit) {}
}
