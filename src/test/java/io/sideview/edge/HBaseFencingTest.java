package io.sideview.edge;

import io.sideview.storage.KvStore;
import io.sideview.storage.hbase.HBaseKvStore;
import io.sideview.storage.hbase.MiniHBase;
import org.junit.jupiter.api.Tag;

/** The same zombie cases on the real HBase mini cluster: conditional multi-row mutations, salted keys. */
@Tag("integration")
class HBaseFencingTest extends FencingTest {
    @Override
    protected KvStore open(boolean atomic) {
        return HBaseKvStore.open(MiniHBase.configuration(), "fencing_" + System.nanoTime(), 4);
    }

    @Override
    protected int saltBuckets() {
        return 16;
    }
}
