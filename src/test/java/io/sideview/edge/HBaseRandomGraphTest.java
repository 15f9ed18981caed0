package io.sideview.edge;

import io.sideview.storage.KvStore;
import io.sideview.storage.hbase.HBaseKvStore;
import io.sideview.storage.hbase.MiniHBase;
import org.junit.jupiter.api.Tag;

/** The same model check on the real HBase mini cluster, with salted keys over a pre-split table. */
@Tag("integration")
class HBaseRandomGraphTest extends RandomGraphModelTest {
    @Override
    protected KvStore open() {
        return HBaseKvStore.open(MiniHBase.configuration(), "graph_" + System.nanoTime(), 8);
    }

    @Override
    protected int saltBuckets() {
        return 16;
    }
}
