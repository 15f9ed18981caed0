package io.sideview.storage;

import java.util.List;
import java.util.Optional;

/**
 * The ordered key-value contract every view-storage backend meets (RocksDB embedded, HBase).
 * Keys compare as unsigned bytes. Each single-row write is atomic; a batch is applied in order and
 * each of its rows atomically, but a batch as a whole is not promised to be atomic (HBase cannot), so
 * the edge engine's apply protocol never relies on it.
 */
public interface KvStore extends AutoCloseable {

    Optional<byte[]> get(byte[] key);

    /** Values in the order of {@code keys}; {@code null} where a key is absent. */
    List<byte[]> multiGet(List<byte[]> keys);

    /**
     * Up to {@code limit} entries with keys in {@code range}: ascending, or descending when
     * {@code reverse} (then the first entry is the greatest key below {@code range.end()}).
     */
    List<KeyValue> scan(KeyRange range, boolean reverse, int limit);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** Applies the writes in order; each row atomically. */
    void write(List<Write> batch);

    /**
     * Makes every write acknowledged so far durable against a machine crash, not only a process
     * crash. Called before source offsets are committed and before a write API answers, once per
     * batch. RocksDB syncs its WAL; HBase syncs its WAL on every write, so it has nothing to do.
     */
    default void sync() {}

    /** A cheap round trip to the backend, for health checks. */
    void ping();

    @Override
    void close();
}
