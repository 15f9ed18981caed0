package io.sideview.storage;

import io.dropwizard.lifecycle.Managed;
import io.sideview.storage.hbase.HBaseKvStore;
import io.sideview.storage.rocksdb.RocksKvStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The configured backend behind the lifecycle: opened on start, closed on stop (after the apply
 * lanes, which Dropwizard stops first because they were registered later). Until start, every call fails.
 */
public class ManagedStore implements KvStore, Managed {
    private final StorageConfig config;
    private final KvStore queryReads;
    private volatile KvStore delegate;

    public ManagedStore(StorageConfig config) {
        this.config = config;
        int readsInFlight = config.hbase().readsInFlight();
        this.queryReads = "hbase".equals(config.type()) && readsInFlight > 0 ? new CoalescingKvStore(this, readsInFlight) : this;
    }

    /**
     * The store the query path reads. On HBase every read is a round trip, so queries of the same
     * moment share them ({@link CoalescingKvStore}). The write path reads this store directly: each
     * apply lane reads its own node sides, and must not wait for a wave of queries to land.
     */
    public KvStore queryReads() {
        return queryReads;
    }

    @Override
    public void start() {
        delegate = switch (config.type()) {
            case "hbase" -> HBaseKvStore.connect(config.hbase());
            default -> new RocksKvStore(Path.of(config.dataDir(), "records"));
        };
    }

    @Override
    public void stop() {
        KvStore d = delegate;
        delegate = null;
        if (d != null) {
            d.close();
        }
    }

    private KvStore store() {
        KvStore d = delegate;
        if (d == null) {
            throw new IllegalStateException("storage is not started");
        }
        return d;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        return store().get(key);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        return store().multiGet(keys);
    }

    @Override
    public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
        return store().scan(range, reverse, limit);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        store().put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        store().delete(key);
    }

    @Override
    public void write(List<Write> batch) {
        store().write(batch);
    }

    @Override
    public long deleteRange(KeyRange range) {
        return store().deleteRange(range);
    }

    @Override
    public boolean fences() {
        return store().fences();
    }

    @Override
    public FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
        return store().writeFenced(epoch, sides);
    }

    @Override
    public boolean atomicBatches() {
        return store().atomicBatches();
    }

    @Override
    public void sync() {
        store().sync();
    }

    @Override
    public void ping() {
        store().ping();
    }

    @Override
    public void close() {
        stop();
    }
}
