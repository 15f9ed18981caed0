package io.sideview.storage.hbase;

import io.dropwizard.testing.ConfigOverride;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;

/**
 * One in-process HBase per test JVM, started on first use (≈7 s) and stopped by a shutdown hook.
 * Local mode as in recipes/hbase.md: mini ZooKeeper + master + one region server on the local file
 * system, no MiniDFS, no web UIs, every listener on 127.0.0.1. Tests share it, so each one must use
 * its own table names.
 */
public final class MiniHBase {
    private MiniHBase() {}

    private static final class Holder {
        static final HBaseTestingUtility UTIL = start();
    }

    private static HBaseTestingUtility start() {
        HBaseTestingUtility util = new HBaseTestingUtility();
        Configuration c = util.getConfiguration();
        c.set("hbase.master.ipc.address", "127.0.0.1");
        c.set("hbase.regionserver.ipc.address", "127.0.0.1");
        c.setInt("hbase.master.info.port", -1);
        c.setInt("hbase.regionserver.info.port", -1);
        // The region server shares the test JVM's heap: flush memstores early rather than fill it.
        c.setLong("hbase.hregion.memstore.flush.size", 32L * 1024 * 1024);
        c.setFloat("hbase.regionserver.global.memstore.size", 0.2f);
        try {
            util.startMiniZKCluster();
            util.startMiniHBaseCluster(StartMiniClusterOption.builder().numRegionServers(1).build());
        } catch (Exception e) {
            throw new IllegalStateException("mini HBase failed to start", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                util.shutdownMiniCluster(); // HBase, then ZooKeeper, then the test data dir
            } catch (Exception e) {
                // The JVM is exiting; nothing useful to do with it.
            }
        }, "mini-hbase-shutdown"));
        return util;
    }

    /** A copy of the cluster's client configuration (quorum and client port included); starts the cluster. */
    public static Configuration configuration() {
        return new Configuration(Holder.UTIL.getConfiguration());
    }

    /** {@code 127.0.0.1:<zk client port>}, for {@link HBaseConfig#zookeeperQuorum()}; starts the cluster. */
    /** Config overrides that run the service on this cluster: salted keys, a fresh 4-region table. */
    public static List<ConfigOverride> serviceOverrides(String tablePrefix) {
        return List.of(
                ConfigOverride.config("storage.type", "hbase"),
                ConfigOverride.config("storage.saltBuckets", "16"),
                ConfigOverride.config("storage.hbase.zookeeperQuorum", MiniHBase::quorum),
                ConfigOverride.config("storage.hbase.table", tablePrefix + System.nanoTime()),
                ConfigOverride.config("storage.hbase.regions", "4"));
    }

    public static String quorum() {
        return "127.0.0.1:" + Holder.UTIL.getZkCluster().getClientPort();
    }
}
