package io.sideview.bench;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.CompactionState;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;

/**
 * After a bulk load, what an HBase operator does before serving reads from the table: flush the
 * memstores and major-compact, so every row is one cell in one file per region. Without it the
 * hot rows of the load (a count row written 120,000 times) are read through every version still in
 * memory, which measures the load rather than the table. Args: ZooKeeper port, table.
 */
public final class HBaseSettle {
    public static void main(String[] args) throws Exception {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", "127.0.0.1:" + args[0]);
        TableName table = TableName.valueOf(args[1]);
        long start = System.nanoTime();
        try (Connection c = ConnectionFactory.createConnection(conf); Admin admin = c.getAdmin()) {
            admin.flush(table);
            admin.majorCompact(table);
            Thread.sleep(2_000); // the request is queued before the state shows it
            while (admin.getCompactionState(table) != CompactionState.NONE) {
                Thread.sleep(1_000);
            }
        }
        System.out.printf("HBase table %s flushed and major-compacted in %.1f s%n", table, (System.nanoTime() - start) / 1e9);
    }
}
