package io.sideview.storage.hbase;

import io.sideview.storage.FencedWrite;
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
import org.apache.hadoop.hbase.CompareOperator;
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
import org.apache.hadoop.hbase.filter.BinaryComparator;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;
import org.apache.hadoop.hbase.filter.NullComparator;
import org.apache.hadoop.hbase.filter.SingleColumnValueFilter;
import org.apache.hadoop.hbase.io.encoding.DataBlockEncoding;
import org.apache.hadoop.hbase.protobuf.ProtobufUtil;
import org.apache.hadoop.hbase.protobuf.generated.ClientProtos.Condition;
import org.apache.hadoop.hbase.protobuf.generated.ClientProtos.MutationProto.MutationType;
import org.apache.hadoop.hbase.protobuf.generated.HBaseProtos;
import org.apache.hadoop.hbase.protobuf.generated.MultiRowMutationProtos.MultiRowMutationService;
import org.apache.hadoop.hbase.protobuf.generated.MultiRowMutationProtos.MutateRowsRequest;
import org.apache.hadoop.hbase.protobuf.generated.MultiRowMutationProtos.MutateRowsResponse;
import org.apache.hadoop.hbase.shaded.com.google.protobuf.ServiceException;
import org.apache.hadoop.hbase.util.ByteStringer;
import org.apache.hadoop.hbase.util.Bytes;
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
    /** The fence cell's qualifier: the epoch of the last owner that wrote the node side (see {@link #writeFenced}). */
    static final byte[] EPOCH = {'e'};
    /**
     * Without a data block encoding, HBase finds a row inside a 64 KiB block by walking its cells one by
     * one; ROW_INDEX_V1 adds a row index to each block and binary-searches it. Scattered point reads
     * on the benchmark's 2,000,000 edges went from ~6.1k to 8.0-9.8k/s (docs/benchmarks.md). 64 KiB
     * stays: 16 KiB and 128 KiB blocks were both slower (~6.0k, ~7.2k/s).
     */
    static final DataBlockEncoding ENCODING = DataBlockEncoding.ROW_INDEX_V1;
    /** HBase's own endpoint for atomic conditional multi-row mutations inside one region (fenced writes). */
    static final String FENCING = "org.apache.hadoop.hbase.coprocessor.MultiRowMutationEndpoint";
    /**
     * Regions split only between first bytes, that is between salt buckets: a node side's rows share
     * their salt byte, so they always sit in one region, as a multi-row mutation needs.
     */
    static final String SPLIT_POLICY = "org.apache.hadoop.hbase.regionserver.KeyPrefixRegionSplitPolicy";
    private static final Logger LOG = LoggerFactory.getLogger(HBaseKvStore.class);
    private static final int PING_TIMEOUT_MS = 5_000;

    private final Connection connection;
    private final TableName tableName;
    private final boolean ownsConnection;
    /** Whether the table runs {@link #FENCING}: created here with it, or added by an operator. */
    private volatile boolean fencing;

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
                var table = admin.getDescriptor(tableName);
                fencing = table.hasCoprocessor(FENCING);
                if (!fencing || !SPLIT_POLICY.equals(table.getRegionSplitPolicyClassName())) {
                    // Not altered here either: an operator's call (it reopens every region).
                    LOG.warn("HBase table {} lacks the {} coprocessor or the {} split policy (prefix length 1) that"
                            + " several Sideview nodes need to fence a node that lost its partitions: see the"
                            + " README's \"Running several nodes\"", tableName, FENCING, SPLIT_POLICY);
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
            var descriptor = TableDescriptorBuilder.newBuilder(tableName).setColumnFamily(family)
                    .setCoprocessor(FENCING).setRegionSplitPolicyClassName(SPLIT_POLICY)
                    .setValue("KeyPrefixRegionSplitPolicy.prefix_length", "1").build();
            try {
                admin.createTable(descriptor, splitKeys(regions));
            } catch (TableExistsException e) {
                // Another instance created it first: the same layout, nothing to do.
            }
            fencing = true;
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
            table.delete(newDelete(key));
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
        List<Row> actions = new ArrayList<>(batch.size());
        for (Write w : lastPerKey(batch)) {
            actions.add(w instanceof Write.Put p ? newPut(p.key(), p.value()) : newDelete(w.key()));
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

    /**
     * Whole rows, the fence cells of {@link #writeFenced} included (a scan of values does not see a row
     * left with its fence only), page by page.
     */
    @Override
    public long deleteRange(KeyRange range) {
        long deleted = 0;
        byte[] start = range.start();
        while (true) {
            Scan scan = new Scan().addFamily(FAMILY).setFilter(new KeyOnlyFilter()).setCaching(1000).setLimit(1000)
                    .withStartRow(start, true);
            if (range.end() != null) {
                scan.withStopRow(range.end(), false);
            }
            List<Delete> page = new ArrayList<>();
            try (Table table = connection.getTable(tableName); ResultScanner scanner = table.getScanner(scan)) {
                for (Result r : scanner) {
                    page.add(new Delete(r.getRow()));
                }
                if (page.isEmpty()) {
                    return deleted;
                }
                start = page.get(page.size() - 1).getRow();
                deleted += page.size();
                table.delete(page); // empties the list as the deletes succeed
            } catch (IOException e) {
                throw new StorageException("delete range failed", e);
            }
        }
    }

    /** The last write of each key, in the order of their last occurrence: what applying them in order leaves. */
    private static java.util.Collection<Write> lastPerKey(List<Write> batch) {
        Map<ByteBuffer, Write> last = new LinkedHashMap<>();
        for (Write w : batch) {
            ByteBuffer key = ByteBuffer.wrap(w.key());
            last.remove(key); // re-inserting keeps the surviving writes in the order of their last occurrence
            last.put(key, w);
        }
        return last.values();
    }

    /**
     * {@code MultiRowMutationEndpoint} calls: node sides' rows and their fence cells ({@code e}, in the
     * fence row beside its value) in one atomic region operation, under a condition on each fence. The
     * sides of one first byte (one salt bucket: one region, by the split policy) go in one call that
     * holds only if every fence exists and is at most {@code epoch}, the steady state; when it does not
     * hold, nothing of it was written, and each side is tried alone. HBase conditions cannot say "absent
     * or at most", so a side alone tries "at most", then "no fence yet" (a first write); a fence that
     * appears between the two (another writer's first write) is tried again. A delete removes the value
     * cell only, so the fence outlives a node side's count row.
     */
    @Override
    public boolean fences() {
        return fencing;
    }

    @Override
    public FencedWrite.Outcome[] writeFenced(long epoch, List<FencedWrite> sides) {
        if (!fencing) {
            throw new StorageException("HBase table " + tableName + " has no MultiRowMutationEndpoint coprocessor,"
                    + " which fenced writes need: see the README's \"Running several nodes\"", null);
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("a fence epoch is never negative: " + epoch);
        }
        Map<Byte, List<Integer>> byBucket = new LinkedHashMap<>();
        for (int i = 0; i < sides.size(); i++) {
            FencedWrite side = sides.get(i);
            for (Write w : side.writes()) {
                // The split policy keeps one first byte in one region; across two, HBase would refuse the
                // call only after its retries.
                if (w.key().length == 0 || side.fenceKey().length == 0 || w.key()[0] != side.fenceKey()[0]) {
                    throw new IllegalArgumentException("a fenced batch must stay in its fence key's first byte (salt bucket)");
                }
            }
            byBucket.computeIfAbsent(side.fenceKey()[0], k -> new ArrayList<>()).add(i);
        }
        byte[] epochBytes = Bytes.toBytes(epoch);
        FencedWrite.Outcome[] outcomes = new FencedWrite.Outcome[sides.size()];
        try (Table table = connection.getTable(tableName)) {
            for (List<Integer> bucket : byBucket.values()) {
                if (bucket.size() > 1) {
                    MutateRowsRequest.Builder all = MutateRowsRequest.newBuilder();
                    for (int i : bucket) {
                        addMutations(all, sides.get(i), epochBytes);
                        all.addCondition(atMost(sides.get(i).fenceKey(), epochBytes));
                        addExpectation(all, sides.get(i));
                    }
                    if (mutate(table, sides.get(bucket.get(0)).fenceKey(), all)) {
                        bucket.forEach(i -> outcomes[i] = FencedWrite.Outcome.WRITTEN);
                        continue;
                    }
                }
                for (int i : bucket) {
                    outcomes[i] = writeAlone(table, sides.get(i), epoch, epochBytes);
                }
            }
        } catch (ServiceException | IOException e) {
            throw new StorageException("fenced write failed", e);
        }
        return outcomes;
    }

    private FencedWrite.Outcome writeAlone(Table table, FencedWrite side, long epoch, byte[] epochBytes)
            throws ServiceException, IOException {
        byte[] fenceKey = side.fenceKey();
        MutateRowsRequest.Builder request = addMutations(MutateRowsRequest.newBuilder(), side, epochBytes);
        for (int attempt = 0; attempt < 4; attempt++) {
            boolean exists = attempt % 2 == 0;
            request.clearCondition().addCondition(exists ? atMost(fenceKey, epochBytes) : noFence(fenceKey));
            addExpectation(request, side);
            if (mutate(table, fenceKey, request)) {
                return FencedWrite.Outcome.WRITTEN;
            }
            Result now = table.get(new Get(fenceKey).addColumn(FAMILY, EPOCH).addColumn(FAMILY, QUALIFIER));
            byte[] held = now.getValue(FAMILY, EPOCH);
            if (held != null && Bytes.toLong(held) > epoch) {
                return FencedWrite.Outcome.FENCED;
            }
            if (!side.expects(now.getValue(FAMILY, QUALIFIER))) {
                return FencedWrite.Outcome.CHANGED;
            }
            if (!exists) {
                continue;
            }
            attempt += held == null ? 0 : 1; // held at or below ours: the fence moved meanwhile, try "at most" again
        }
        throw new StorageException("fenced write on " + tableName + " kept racing another writer's first write", null);
    }

    /** A checked side's condition on its fence key's value: still the one its writes were computed from. */
    private static void addExpectation(MutateRowsRequest.Builder request, FencedWrite side) {
        if (side.checked()) {
            request.addCondition(Condition.newBuilder().setRow(ByteStringer.wrap(side.fenceKey()))
                    .setFamily(ByteStringer.wrap(FAMILY)).setQualifier(ByteStringer.wrap(QUALIFIER))
                    .setCompareType(HBaseProtos.CompareType.EQUAL)
                    .setComparator(ProtobufUtil.toComparator(side.expected() == null
                            ? new NullComparator() : new BinaryComparator(side.expected())))
                    .build());
        }
    }

    private static MutateRowsRequest.Builder addMutations(MutateRowsRequest.Builder request, FencedWrite side,
                                                          byte[] epochBytes) throws IOException {
        for (Write w : lastPerKey(side.writes())) {
            if (w instanceof Write.Put p) {
                request.addMutationRequest(ProtobufUtil.toMutation(MutationType.PUT, newPut(p.key(), p.value())));
            } else {
                request.addMutationRequest(ProtobufUtil.toMutation(MutationType.DELETE, newDelete(w.key())));
            }
        }
        return request.addMutationRequest(ProtobufUtil.toMutation(MutationType.PUT,
                new Put(side.fenceKey()).addColumn(FAMILY, EPOCH, epochBytes)));
    }

    private static boolean mutate(Table table, byte[] anyRow, MutateRowsRequest.Builder request) throws ServiceException {
        MutateRowsResponse response = MultiRowMutationService.newBlockingStub(table.coprocessorService(anyRow))
                .mutateRows(null, request.build());
        return response.getProcessed();
    }

    /** The fence row exists, and its epoch cell is absent or at most {@code epoch}. */
    private static Condition atMost(byte[] fenceKey, byte[] epoch) {
        SingleColumnValueFilter filter = new SingleColumnValueFilter(FAMILY, EPOCH, CompareOperator.LESS_OR_EQUAL,
                new BinaryComparator(epoch));
        filter.setFilterIfMissing(false);
        filter.setLatestVersionOnly(true);
        try {
            return Condition.newBuilder().setRow(ByteStringer.wrap(fenceKey)).setFilter(ProtobufUtil.toFilter(filter)).build();
        } catch (IOException e) {
            throw new StorageException("cannot encode the fence condition", e);
        }
    }

    /** The fence row has no epoch cell (it may have a value). */
    private static Condition noFence(byte[] fenceKey) {
        return Condition.newBuilder().setRow(ByteStringer.wrap(fenceKey)).setFamily(ByteStringer.wrap(FAMILY))
                .setQualifier(ByteStringer.wrap(EPOCH)).setCompareType(HBaseProtos.CompareType.EQUAL)
                .setComparator(ProtobufUtil.toComparator(new NullComparator())).build();
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

    /**
     * The value cell only: a node side's fence cell ({@link #writeFenced}) lives in its count row, and a
     * plain delete of that row (a job's rewrite) must not reset the fence a zombie's late write meets.
     */
    private static Delete newDelete(byte[] key) {
        return new Delete(key).addColumns(FAMILY, QUALIFIER);
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
