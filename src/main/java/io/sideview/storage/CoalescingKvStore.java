package io.sideview.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A backend whose every read is a network round trip (HBase), read in fewer round trips: point reads
 * go in shared multi-gets ({@link ReadBatcher}), equal scans run once for all who asked meanwhile
 * ({@link ReadFlights}). Hot rows (a celebrity's count, the same newest-20 asked by many) then cost one
 * round trip per wave of callers instead of one per caller, and scattered point reads share round trips.
 *
 * <p>Nothing is cached: every answer is read from storage after its caller asked, so each caller sees
 * every write acknowledged before it asked, whichever process wrote it. Writes pass straight through.
 */
public final class CoalescingKvStore implements KvStore {
    /** Distinct keys a shared multi-get collects at most; an API request asks for at most a few hundred. */
    static final int MAX_BATCH_KEYS = 1_000;

    private final KvStore backend;
    private final ReadBatcher points;
    private final ReadFlights<ScanKey, List<KeyValue>> scans = new ReadFlights<>();

    /** @param readsInFlight shared multi-gets running at once */
    public CoalescingKvStore(KvStore backend, int readsInFlight) {
        this.backend = backend;
        this.points = new ReadBatcher(this::readBatch, readsInFlight, MAX_BATCH_KEYS);
    }

    /** A batch of one key (a hot row) as a plain get: HBase's multi-get machinery costs more. */
    private List<byte[]> readBatch(List<byte[]> keys) {
        return keys.size() == 1 ? Collections.singletonList(backend.get(keys.get(0)).orElse(null)) : backend.multiGet(keys);
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        return Optional.ofNullable(points.read(List.of(key)).get(0));
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        return points.read(keys);
    }

    @Override
    public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
        ScanKey key = new ScanKey(ByteBuffer.wrap(range.start()), range.end() == null ? null : ByteBuffer.wrap(range.end()),
                reverse, limit);
        // each caller gets its own list: callers may sort or trim what they get
        return new ArrayList<>(scans.read(key, () -> backend.scan(range, reverse, limit)));
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
