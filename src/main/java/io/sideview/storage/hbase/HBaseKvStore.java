package io.sideview.storage.hbase;

import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.StorageException;
import io.sideview.storage.Write;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceNotFoundException;
import org.apache.hadoop.hbase.TableExistsException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Row;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.apache.hadoop.hbase.io.encoding.DataBlockEncoding;
import org.apache.hadoop.hbase.regionserver.BloomType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distributed backend: one HBase table, one cell per key (family {@code d}, qualifier {@code v}).
 * HBase orders row keys as unsigned bytes, exactly the SPI's order. The {@link Connection} is shared
 * and thread-safe; a {@link Table} is a cheap per-operation handle.
 */
public class HBaseKvStore implements KvStore {
    static final byte[] FAMILY = {'d'};
    static final byte[] QUALIFIER = {'v'};
    /**
     * Without a data block encoding, HBase finds a row inside a 64 KiB block by walking its cells one by
     * one; ROW_INDEX_V1 adds a row index to each block and binary-searches it. Scattered point reads
     * on the benchmark's 2,000,000 edges went from ~6.1k to 8.0-9.8k/s (docs/benchmarks.md). 64 KiB
     * stays: 16 KiB and 128 KiB blocks were both slower (~6.0k, ~7.2k/s).
     */
    static final DataBlockEncoding ENCODING = DataBlockEncoding.ROW_INDEX_V1;
    private static final Logger LOG = LoggerFactory.getLogger(HBaseKvStore.class);
    private static final int PING_TIMEOUT_MS = 5_000;

    private final Connection connection;
    private final TableName tableName;
    private final boolean ownsConnection;

    /** A store over a connection the caller keeps (and closes); creates the table if missing. */
    public HBaseKvStore(Connection connection, String table, int regions) {
        this(connection, table, regions, false);
    }

    private HBaseKvStore(Connection connection, String table, int regions, boolean ownsConnection) {
        if (regions < 1 || regions > 256) {
            throw new IllegalArgumentException("regions must be 1..256, was " + regions);
        }
        this.connection = connection;
        this.tableName = TableName.valueOf(table);
        this.ownsConnection = ownsConnection;
        try {
            ensureTable(regions);
        } catch (IOException e) {
            throw new StorageException("cannot open HBase table " + tableName, e);
        }
    }

    /** A store with its own connection from {@code conf}, closed with the store. */
    public static HBaseKvStore open(Configuration conf, String table, int regions) {
        Connection connection;
        try {
            connection = ConnectionFactory.createConnection(conf);
        } catch (IOException e) {
            throw new StorageException("cannot connect to HBase", e);
        }
        try {
            return new HBaseKvStore(connection, table, regions, true);
        } catch (RuntimeException e) {
            closeQuietly(connection, e);
            throw e;
        }
    }

    /** A store with its own connection to the cluster {@code config} names. */
    public static HBaseKvStore connect(HBaseConfig config) {
        return open(configuration(config), config.table(), config.regions());
    }

    /** The client configuration for {@code config}: HBase defaults, then the quorum, then the extra properties. */
    public static Configuration configuration(HBaseConfig config) {
        Configuration conf = HBaseConfiguration.create();
        conf.set("hbase.zookeeper.quorum", config.zookeeperQuorum());
        config.properties().forEach(conf::set);
        return conf;
    }

    public TableName tableName() {
        return tableName;
    }

    private void ensureTable(int regions) throws IOException {
        try (Admin admin = connection.getAdmin()) {
            if (admin.tableExists(tableName)) {
                var family = admin.getDescriptor(tableName).getColumnFamily(FAMILY);
                if (family == null) {
                    throw new IOException("it exists without the column family 'd' that Sideview stores its records in:"
                            + " not a Sideview table");
                }
                DataBlockEncoding existing = family.getDataBlockEncoding();
                if (existing != ENCODING) {
                    // Not altered here: modifying a family reopens every region, an operator's call.
                    LOG.warn("HBase table {} stores blocks with {} encoding; point reads are faster with {}: "
                            + "alter '{}', {NAME => 'd', DATA_BLOCK_ENCODING => '{}'} then major_compact it",
                            tableName, existing, ENCODING, tableName, ENCODING);
                }
                return;
            }
            String namespace = tableName.getNamespaceAsString();
            if (!NamespaceDescriptor.DEFAULT_NAMESPACE_NAME_STR.equals(namespace)) {
                try {
                    admin.getNamespaceDescriptor(namespace);
                } catch (NamespaceNotFoundException e) {
                    admin.createNamespace(NamespaceDescriptor.create(namespace).build());
                }
            }
            // NEW_VERSION_BEHAVIOR: HBase stamps cells with the server's millisecond clock, and with the
            // classic semantics a delete masks every put with a timestamp <= its own, so a put that follows
            // a delete of the same key within the same millisecond would silently vanish.
            // Not in-memory compaction (BASIC): it made memstore inserts cheaper, but under the sustained
            // ingest benchmark the region server ran out of heap (1 GB in a minute, 3 GB in five) and
            // aborted. The default memstore blocks writers at its limit instead.
            var family = ColumnFamilyDescriptorBuilder.newBuilder(FAMILY)
                    .setMaxVersions(1).setBloomFilterType(BloomType.ROW).setNewVersionBehavior(true)
                    .setDataBlockEncoding(ENCODING).build();
            var descriptor = TableDescriptorBuilder.newBuilder(tableName).setColumnFamily(family).build();
            try {
                admin.createTable(descriptor, splitKeys(regions));
            } catch (TableExistsException e) {
                // Another instance created it first: the same layout, nothing to do.
            }
        }
    }

    /** {@code regions - 1} one-byte split points spread evenly over the first key byte. */
    static byte[][] splitKeys(int regions) {
        byte[][] splits = new byte[regions - 1][];
        for (int i = 1; i < regions; i++) {
            splits[i - 1] = new byte[] {(byte) (i * 256 / regions)};
        }
        return splits;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        try (Table table = connection.getTable(tableName)) {
            return Optional.ofNullable(table.get(newGet(key)).getValue(FAMILY, QUALIFIER));
        } catch (IOException e) {
            throw new StorageException("get failed", e);
        }
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        List<Get> gets = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            gets.add(newGet(key));
        }
        try (Table table = connection.getTable(tableName)) {
            // Table.get(List) returns results positionally, so the SPI's order falls out directly.
            Result[] results = table.get(gets);
            List<byte[]> out = new ArrayList<>(results.length);
            for (Result r : results) {
                out.add(r.getValue(FAMILY, QUALIFIER));
            }
            return out;
        } catch (IOException e) {
            throw new StorageException("multiGet failed", e);
        }
    }

    @Override
    public List<KeyValue> scan(KeyRange range, boolean reverse, int limit) {
        List<KeyValue> out = new ArrayList<>(Math.min(Math.max(limit, 0), 1024));
        if (limit <= 0 || range.end() != null && Arrays.compareUnsigned(range.start(), range.end()) >= 0) {
            return out;
        }
        Scan scan = new Scan().addColumn(FAMILY, QUALIFIER).setCaching(Math.min(limit, 1000)).setLimit(limit);
        if (reverse) {
            // A reversed scan runs from its start row DOWN to its stop row, so the SPI's range is passed
            // swapped: start at end (exclusive), stop at start (inclusive). An empty row means "unbounded"
            // on either side, which is what a null end or an empty start ask for.
            scan.setReversed(true);
            if (range.end() != null) {
                scan.withStartRow(range.end(), false);
            }
            scan.withStopRow(range.start(), true);
        } else {
            scan.withStartRow(range.start(), true);
            if (range.end() != null) {
                scan.withStopRow(range.end(), false);
            }
        }
        try (Table table = connection.getTable(tableName); ResultScanner scanner = table.getScanner(scan)) {
            Result r;
            while (out.size() < limit && (r = scanner.next()) != null) {
                out.add(new KeyValue(r.getRow(), r.getValue(FAMILY, QUALIFIER)));
            }
        } catch (IOException e) {
            throw new StorageException("scan failed", e);
        }
        return out;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try (Table table = connection.getTable(tableName)) {
            table.put(newPut(key, value));
        } catch (IOException e) {
            throw new StorageException("put failed", e);
        }
    }

    @Override
    public void delete(byte[] key) {
        try (Table table = connection.getTable(tableName)) {
            table.delete(new Delete(key));
        } catch (IOException e) {
            throw new StorageException("delete failed", e);
        }
    }

    /**
     * One {@code Table.batch}. HBase runs a batch's actions in parallel per region and gives no order
     * between actions, not even two on the same row, so the batch is first collapsed to the last write
     * per key: that is exactly the state applying the writes in order would leave. Different keys are
     * independent rows; on failure any subset of them may have been applied, as the SPI allows.
     */
    @Override
    public void write(List<Write> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<ByteBuffer, Write> last = new LinkedHashMap<>();
        for (Write w : batch) {
            ByteBuffer key = ByteBuffer.wrap(w.key());
            last.remove(key); // re-inserting keeps the surviving writes in the order of their last occurrence
            last.put(key, w);
        }
        List<Row> actions = new ArrayList<>(last.size());
        for (Write w : last.values()) {
            actions.add(w instanceof Write.Put p ? newPut(p.key(), p.value()) : new Delete(w.key()));
        }
        try (Table table = connection.getTable(tableName)) {
            table.batch(actions, new Object[actions.size()]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("batch write interrupted", new InterruptedIOException(e.getMessage()));
        } catch (IOException e) {
            throw new StorageException("batch write failed", e);
        }
    }

    /** A point read with short timeouts, so a health check fails fast instead of retrying for minutes. */
    @Override
    public void ping() {
        try (Table table = connection.getTableBuilder(tableName, null)
                .setOperationTimeout(PING_TIMEOUT_MS).setRpcTimeout(PING_TIMEOUT_MS).build()) {
            table.exists(new Get(new byte[] {0}));
        } catch (IOException | RuntimeException e) {
            throw new StorageException("HBase ping failed", e);
        }
    }

    @Override
    public void close() {
        if (ownsConnection) {
            try {
                connection.close();
            } catch (IOException e) {
                throw new StorageException("closing the HBase connection failed", e);
            }
        }
    }

    private static Get newGet(byte[] key) {
        return new Get(key).addColumn(FAMILY, QUALIFIER);
    }

    private static Put newPut(byte[] key, byte[] value) {
        return new Put(key).addColumn(FAMILY, QUALIFIER, value);
    }

    private static void closeQuietly(Connection connection, Exception primary) {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }
}
