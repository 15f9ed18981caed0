package io.sideview.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;

/**
 * Runs HBase in this JVM in "local" mode (mini ZooKeeper + master + one region server on the local
 * file system, no MiniDFS; recipes/hbase.md §B) until the JVM is stopped (SIGTERM). Writes the
 * ZooKeeper client port to args[0] once the cluster is up.
 */
public final class HBaseLauncher {
    public static void main(String[] args) throws Exception {
        Path portFile = Path.of(args[0]);
        HBaseTestingUtility u = new HBaseTestingUtility();
        Configuration c = u.getConfiguration();
        c.set("hbase.master.ipc.address", "127.0.0.1");
        c.set("hbase.regionserver.ipc.address", "127.0.0.1");
        c.set("hbase.zookeeper.property.clientPortAddress", "127.0.0.1");
        c.setInt("hbase.master.info.port", -1);
        c.setInt("hbase.regionserver.info.port", -1);
        // The testing utility's own hbase-site (override-hbase-site.xml) is tuned for small unit tests:
        // 5 RPC handlers, regions split at 64 MiB, chores every second. A benchmark wants HBase's
        // production defaults (hbase-default.xml), or it measures region splits during the load.
        c.setInt("hbase.regionserver.handler.count", 30);
        c.setLong("hbase.hregion.max.filesize", 10L * 1024 * 1024 * 1024);
        c.setInt("hbase.server.thread.wakefrequency", 10_000);
        c.setInt("hbase.regionserver.msginterval", 3_000);
        try {
            u.startMiniZKCluster();
            u.startMiniHBaseCluster(StartMiniClusterOption.builder().numRegionServers(1).build());
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        int port = u.getZkCluster().getClientPort();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                u.shutdownMiniCluster();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }));
        Files.writeString(portFile, Integer.toString(port));
        System.out.println("HBase local mode up, ZooKeeper on 127.0.0.1:" + port);
        Thread.currentThread().join();
    }
}
