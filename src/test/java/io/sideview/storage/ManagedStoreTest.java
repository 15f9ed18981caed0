package io.sideview.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.storage.hbase.HBaseConfig;
import org.junit.jupiter.api.Test;

/** Which store the query path reads; nothing is opened. */
class ManagedStoreTest {
    @Test
    void queriesShareHBaseRoundTripsUnlessTurnedOffAndReadRocksDbDirectly() {
        ManagedStore hbase = new ManagedStore(config("hbase", 1));
        assertThat(hbase.queryReads()).isInstanceOf(CoalescingKvStore.class);
        ManagedStore hbaseAlone = new ManagedStore(config("hbase", 0));
        assertThat(hbaseAlone.queryReads()).isSameAs(hbaseAlone);
        ManagedStore rocks = new ManagedStore(config("rocksdb", 1));
        assertThat(rocks.queryReads()).isSameAs(rocks);
    }

    private static StorageConfig config(String type, int readsInFlight) {
        return new StorageConfig(type, null, null, null, null, null, new HBaseConfig(null, null, null, readsInFlight, null));
    }
}
