package io.sideview.edge;

import io.sideview.storage.KvStore;
import io.sideview.storage.rocksdb.RocksKvStore;
import java.nio.file.Files;

class RocksRandomGraphTest extends RandomGraphModelTest {
    @Override
    protected KvStore open() throws Exception {
        return new RocksKvStore(Files.createTempDirectory("sideview-graph-"));
    }

    @Override
    protected int saltBuckets() {
        return 0;
    }
}
