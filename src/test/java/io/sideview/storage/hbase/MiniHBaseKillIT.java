package io.sideview.storage.hbase;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's region-server round trusts the mini cluster to keep what it acknowledged across
 * a kill, as HBase on HDFS does. That is not obvious here: the mini cluster's WAL is on Hadoop's
 * checksummed local file system, whose hflush and hsync leave the bytes in the stream's buffers (500
 * bytes hflushed, 0 on disk). It holds all the same (most likely the killed region server, a thread of
 * this JVM, still closes its WAL before the master splits it), but nothing in HBase promises it. This writes from several threads while the region
 * server is killed, twice, and checks every acknowledged put is there after the restart, so a change
 * to the harness that breaks this shows here rather than as a lost change in the fault suite.
 */
@Tag("integration")
class MiniHBaseKillIT {
    private static final byte[] FAMILY = Bytes.toBytes("d");
    private static final int WRITERS = 4;

    @Test
    void everyAcknowledgedPutSurvivesARegionServerKill() throws Exception {
        Configuration conf = MiniHBase.configuration();
        conf.setInt("hbase.client.pause", 50);
        conf.setInt("hbase.client.retries.number", 100);
        TableName name = TableName.valueOf("kill_probe_" + System.nanoTime());
        try (Connection connection = ConnectionFactory.createConnection(conf)) {
            connection.getAdmin().createTable(TableDescriptorBuilder.newBuilder(name)
                    .setColumnFamily(ColumnFamilyDescriptorBuilder.of(FAMILY)).build());
            for (int kill = 0; kill < 2; kill++) {
                long[] acked = writeThroughAKill(connection, name, kill);
                try (Table table = connection.getTable(name)) {
                    long checked = 0;
                    List<String> missing = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        for (long n = 0; n <= acked[w]; n++) {
                            checked++;
                            if (!table.exists(new Get(key(kill, w, n)))) {
                                missing.add(Bytes.toString(key(kill, w, n)));
                            }
                        }
                    }
                    assertThat(checked).as("puts acknowledged before kill %d", kill).isGreaterThan(1000);
                    assertThat(missing).as("acknowledged puts missing after region server kill %d of %d",
                            kill, checked).isEmpty();
                }
            }
        }
    }

    /** Writers put rows in sequence until the region server is back; returns each writer's last acknowledged row. */
    private static long[] writeThroughAKill(Connection connection, TableName name, int kill) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong total = new AtomicLong();
        long[] acked = new long[WRITERS];
        java.util.Arrays.fill(acked, -1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    try (Table table = connection.getTable(name)) {
                        for (long n = 0; !stop.get(); n++) {
                            table.put(new Put(key(kill, writer, n)).addColumn(FAMILY, FAMILY, Bytes.toBytes(n)));
                            acked[writer] = n;
                            total.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (total.get() < 3000 && System.nanoTime() < waitUntil) {
                Thread.sleep(10);
            }
            MiniHBase.killRegionServer();
            stop.set(true);
            MiniHBase.startRegionServer();
            for (Future<?> f : writers) {
                f.get(3, TimeUnit.MINUTES);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        return acked;
    }

    private static byte[] key(int kill, int writer, long n) {
        return Bytes.toBytes(String.format("k%d-w%d-%08d", kill, writer, n));
    }
}
