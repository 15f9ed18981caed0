package io.sideview.storage.hbase;

import io.dropwizard.testing.ConfigOverride;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.MiniHBaseCluster;
import org.apache.hadoop.hbase.ServerName;
import org.apache.hadoop.hbase.StartMiniClusterOption;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.util.JVMClusterUtil;

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
        // An aborted region server arms a timer that halts the whole JVM 20 minutes later unless the
        // process has exited by then, and nothing ever cancels it. In a real cluster the process does
        // exit; here the "process" is the test JVM, so a killRegionServer would end every test still
        // running 20 minutes on (it did: "forked VM terminated" in a later class).
        c.set("hbase.regionserver.abort.timeout.task", KeepJvmOnAbortTimeout.class.getName());
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

    /** Runs in place of HBase's halt when an aborted region server's timer fires: the test JVM goes on. */
    static final class KeepJvmOnAbortTimeout extends java.util.TimerTask {
        @Override
        public void run() {
            System.err.println("MiniHBase: an aborted region server's abort timer fired; the JVM is kept");
        }
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

    /**
     * Kills the region server as a crash would: it aborts without flushing its memstores or closing
     * its regions (what it acknowledged is in its WAL only), and the master sees it gone. Every region
     * (hbase:meta included) stays offline until {@link #startRegionServer}: there is one region server.
     */
    public static synchronized void killRegionServer() throws IOException {
        MiniHBaseCluster cluster = Holder.UTIL.getMiniHBaseCluster();
        for (JVMClusterUtil.RegionServerThread t : cluster.getLiveRegionServerThreads()) {
            ServerName server = t.getRegionServer().getServerName();
            cluster.killRegionServer(server);
            cluster.waitForRegionServerToStop(server, 60_000);
        }
    }

    /**
     * Starts a region server again and returns once every region of every table is assigned and none is
     * in transition: the master's crash procedure for the killed server (WAL split, reassignment) is done,
     * so the tests that share this cluster find it whole.
     */
    public static synchronized void startRegionServer() throws IOException {
        MiniHBaseCluster cluster = Holder.UTIL.getMiniHBaseCluster();
        if (cluster.getLiveRegionServerThreads().isEmpty()) {
            cluster.startRegionServerAndWait(60_000);
        }
        Holder.UTIL.waitUntilAllSystemRegionsAssigned();
        for (TableName table : Holder.UTIL.getAdmin().listTableNames()) {
            Holder.UTIL.waitUntilAllRegionsAssigned(table, 180_000);
        }
        Holder.UTIL.waitUntilNoRegionsInTransition(180_000);
    }
}
