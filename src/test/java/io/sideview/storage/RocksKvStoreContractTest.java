package io.sideview.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.storage.rocksdb.RocksKvStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RocksKvStoreContractTest extends KvStoreContract {
    private Path dir;

    @Override
    protected KvStore open() throws Exception {
        dir = Files.createTempDirectory("sideview-rocks-");
        return new RocksKvStore(dir);
    }

    @Test
    void survivesReopen() {
        store.put(b("durable"), b("yes"));
        store.close();
        store = new RocksKvStore(dir);
        assertThat(store.get(b("durable"))).map(KvStoreContract::s).contains("yes");
    }
}
