package io.sideview.storage.hbase;

import static io.sideview.storage.FencedWrite.Outcome.CHANGED;
import static io.sideview.storage.FencedWrite.Outcome.FENCED;
import static io.sideview.storage.FencedWrite.Outcome.WRITTEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.jersey.validation.Validators;
import io.sideview.storage.CoalescingKvStore;
import io.sideview.storage.FencedWrite;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KeyValue;
import io.sideview.storage.KvStore;
import io.sideview.storage.KvStoreContract;
import io.sideview.storage.StorageException;
import io.sideview.storage.StorageHealthCheck;
import io.sideview.storage.Write;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.RegionLocator;
import org.apache.hadoop.hbase.client.TableDescriptorBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The storage contract on a real (mini) HBase, plus what only HBase has: pre-split regions, scans
 * crossing region boundaries, same-millisecond put-after-delete, table/namespace creation and the
 * config/health wiring. Every test gets a fresh table over one shared connection.
 */
@Tag("integration")
class HBaseKvStoreContractTest extends KvStoreContract {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static Connection connection;

    @BeforeAll
    static void connect() throws Exception {
        var conf = MiniHBase.configuration();
        conf.setInt("hbase.client.pause", 20); // createTable polls for "table available": ~0.25 s less per test
        connection = ConnectionFactory.createConnection(conf);
    }

    @AfterAll
    static void disconnect() throws Exception {
        if (connection != null) {
            connection.close();
        }
    }

    private static String freshTable(String prefix) {
        return prefix + TABLES.incrementAndGet();
    }

    /** Four regions, so the contract's keys (first bytes 0x01..0xFF) already span region boundaries. */
    @Override
    protected KvStore open() {
        return new HBaseKvStore(connection, freshTable("contract_"), 4);
    }

    @Test
    void splitKeysSpreadOverTheFirstByte() {
        assertThat(HBaseKvStore.splitKeys(1)).isEmpty();
        assertThat(HBaseKvStore.splitKeys(4)).isDeepEqualTo(new byte[][] {{0x40}, {(byte) 0x80}, {(byte) 0xC0}});
        byte[][] all = HBaseKvStore.splitKeys(256);
        assertThat(all.length).isEqualTo(255);
        for (int i = 0; i < all.length; i++) {
            assertThat(all[i]).containsExactly((byte) (i + 1));
        }
    }

    @Test
    void preSplitTableScansInOrderAcrossRegionsBothWays() throws Exception {
        HBaseKvStore split = new HBaseKvStore(connection, freshTable("presplit_"), 16);
        try (RegionLocator locator = connection.getRegionLocator(split.tableName())) {
            byte[][] starts = locator.getStartKeys();
            assertThat(starts.length).isEqualTo(16);
            for (int i = 0; i < 16; i++) {
                assertThat(starts[i]).isEqualTo(i == 0 ? new byte[0] : new byte[] {(byte) (i * 16)});
            }
        }
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        List<Write> writes = new ArrayList<>();
        for (int first = 0; first < 256; first += 5) {
            for (byte[] key : List.of(new byte[] {(byte) first}, new byte[] {(byte) first, 0x00},
                    new byte[] {(byte) first, (byte) 0xFF, 0x01})) {
                writes.add(new Write.Put(key, key));
                model.put(key, key);
            }
        }
        split.write(writes);
        assertThat(split.scan(new KeyRange(null, null), false, 10_000)).extracting(KeyValue::key)
                .containsExactlyElementsOf(model.keySet());
        assertThat(split.scan(new KeyRange(null, null), true, 10_000)).extracting(KeyValue::key)
                .containsExactlyElementsOf(model.descendingKeySet());
        // Ranges that straddle split points (0x10, 0x20, 0x30, ...) with limits smaller and larger than the hits.
        byte[][][] ranges = {{{0x0E}, {0x42}}, {{0x0F, (byte) 0xFF}, {0x10, 0x00, 0x01}}, {{(byte) 0xEF}, null}, {{}, {0x21}}};
        for (byte[][] r : ranges) {
            KeyRange range = new KeyRange(r[0], r[1]);
            var view = r[1] == null ? model.tailMap(r[0], true) : model.subMap(r[0], true, r[1], false);
            for (int limit : new int[] {1, 4, 1000}) {
                assertThat(split.scan(range, false, limit)).extracting(KeyValue::key)
                        .containsExactlyElementsOf(view.keySet().stream().limit(limit).toList());
                assertThat(split.scan(range, true, limit)).extracting(KeyValue::key)
                        .containsExactlyElementsOf(view.descendingKeySet().stream().limit(limit).toList());
            }
        }
        assertThat(split.scan(new KeyRange(new byte[] {0x42}, new byte[] {0x42}), true, 10)).isEmpty();
        assertThat(split.scan(new KeyRange(new byte[] {0x43}, new byte[] {0x42}), false, 10)).isEmpty();
        assertThat(split.scan(new KeyRange(null, null), true, 0)).isEmpty();
    }

    /**
     * Fencing (design §10): a node side's writes land only while no newer epoch holds its fence, check
     * and writes in one atomic region operation; a refused batch writes nothing at all. Keys share
     * their first byte (a salt bucket), so they share a region of this 4-region table.
     */
    @Test
    void fencedWritesRefuseAnOlderEpochAndWriteNothing() throws Exception {
        byte[] fence = {0x41, 'c'};
        byte[] edge = {0x41, 's', 1};
        byte[] other = {0x41, 's', 2};
        byte[] index = {0x41, 'i', 1};
        assertThat(store.writeFenced(fence, 5, List.of(new Write.Put(edge, bytes("v1")), new Write.Put(fence, bytes("1")))))
                .as("a first write: no fence yet").isTrue();
        assertThat(store.writeFenced(fence, 5, List.of(new Write.Put(other, bytes("v2"))))).as("the same owner").isTrue();
        assertThat(store.writeFenced(fence, 7, List.of(new Write.Delete(edge), new Write.Put(index, bytes("i")))))
                .as("a newer owner").isTrue();
        assertThat(store.writeFenced(fence, 6, List.of(new Write.Put(edge, bytes("zombie")), new Write.Delete(other),
                new Write.Delete(index), new Write.Put(fence, bytes("99"))))).as("an older owner").isFalse();
        assertThat(store.get(edge)).isEmpty();
        assertThat(store.get(other)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v2")));
        assertThat(store.get(index)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("i")));
        assertThat(store.get(fence)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("1")));

        // Deleting the fence row's value (a count gone to zero) keeps the fence; the row is no record.
        assertThat(store.writeFenced(fence, 7, List.of(new Write.Delete(fence)))).isTrue();
        assertThat(store.get(fence)).isEmpty();
        assertThat(store.scan(new KeyRange(new byte[] {0x41}, new byte[] {0x42}), false, 10)).extracting(KeyValue::key)
                .containsExactly(index, other);
        assertThat(store.writeFenced(fence, 6, List.of(new Write.Put(edge, bytes("zombie"))))).isFalse();
        assertThat(store.get(edge)).isEmpty();
        assertThat(store.writeFenced(fence, 8, List.of(new Write.Put(fence, bytes("2"))))).isTrue();
        assertThat(store.get(fence)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("2")));

        // A range delete (a purge) takes the fence cells too, also of rows that have nothing else.
        byte[] lone = {0x41, 'c', 'x'};
        assertThat(store.writeFenced(lone, 3, List.of())).isTrue();
        assertThat(store.deleteRange(KeyRange.prefix(lone))).isEqualTo(1);
        assertThat(store.writeFenced(lone, 1, List.of())).as("the fence went with the purge").isTrue();

        // Plain writes never touch a fence, deletes of the fence row included.
        store.write(List.of(new Write.Put(fence, bytes("3"))));
        store.write(List.of(new Write.Delete(fence)));
        store.delete(fence);
        assertThat(store.get(fence)).isEmpty();
        assertThat(store.writeFenced(fence, 7, List.of(new Write.Put(edge, bytes("late"))))).isFalse();
    }

    /**
     * Many node sides at once: the sides of one bucket go in one call while every fence holds; when one
     * does not, exactly that side is refused and the others are written.
     */
    @Test
    void fencedSidesOfABatchAreRefusedOneByOne() {
        List<FencedWrite> first = new ArrayList<>();
        for (int bucket : new int[] {0x21, 0x21, 0x21, 0x61}) {
            byte[] fence = {(byte) bucket, 'c', (byte) first.size()};
            first.add(new FencedWrite(fence, List.of(new Write.Put(new byte[] {(byte) bucket, 's', (byte) first.size()}, bytes("a")))));
        }
        assertThat(store.writeFenced(4, first)).containsOnly(WRITTEN);
        assertThat(store.writeFenced(first.get(1).fenceKey(), 9, List.of())).as("side 1 taken over").isTrue();
        List<FencedWrite> second = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            byte[] row = first.get(i).writes().get(0).key();
            second.add(new FencedWrite(first.get(i).fenceKey(), List.of(new Write.Put(row, bytes("b")), new Write.Delete(row))));
        }
        assertThat(store.writeFenced(5, second)).containsExactly(WRITTEN, FENCED, WRITTEN, WRITTEN);
        for (int i = 0; i < first.size(); i++) {
            byte[] row = first.get(i).writes().get(0).key();
            if (i == 1) {
                assertThat(store.get(row)).as("refused: untouched").hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("a")));
            } else {
                assertThat(store.get(row)).as("side %d", i).isEmpty();
            }
        }
    }

    /**
     * A side that carries the fence key's value it was computed from lands only while storage holds
     * that value (none: no value); otherwise it is CHANGED and writes nothing, in a batch of one bucket
     * or alone, the fence allowing it or not (a newer fence is reported first).
     */
    @Test
    void aCheckedSideLandsOnlyOnTheValueItExpects() {
        byte[] fresh = {0x31, 'c', 1};
        byte[] held = {0x31, 'c', 2};
        byte[] moved = {0x31, 'c', 3};
        store.write(List.of(new Write.Put(held, bytes("h1")), new Write.Put(moved, bytes("m2"))));
        List<FencedWrite> sides = List.of(
                FencedWrite.expecting(fresh, List.of(new Write.Put(fresh, bytes("f1"))), null),
                FencedWrite.expecting(held, List.of(new Write.Put(held, bytes("h2"))), bytes("h1")),
                FencedWrite.expecting(moved, List.of(new Write.Put(moved, bytes("m2+")), new Write.Put(new byte[] {0x31, 's'}, bytes("x"))),
                        bytes("m1")));
        assertThat(store.writeFenced(3, sides)).containsExactly(WRITTEN, WRITTEN, CHANGED);
        assertThat(store.get(fresh)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("f1")));
        assertThat(store.get(held)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("h2")));
        assertThat(store.get(moved)).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("m2")));
        assertThat(store.get(new byte[] {0x31, 's'})).isEmpty();
        assertThat(store.writeFenced(3, List.of(FencedWrite.expecting(fresh, List.of(), null)))).containsExactly(CHANGED);
        assertThat(store.writeFenced(3, List.of(FencedWrite.expecting(moved, List.of(new Write.Put(moved, bytes("m3"))), bytes("m2")))))
                .containsExactly(WRITTEN);
        assertThat(store.writeFenced(2, List.of(FencedWrite.expecting(moved, List.of(), bytes("zz"))))).containsExactly(FENCED);
    }

    /** Two owners racing their first writes on a new node side: the fence ends at the newer, the older is refused after it. */
    @Test
    void racingFirstWritesEndWithTheNewerEpoch() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                byte[] fence = {(byte) 0x81, 'c', (byte) round};
                byte[] row = {(byte) 0x81, 's', (byte) round};
                Future<Boolean> older = pool.submit(() -> store.writeFenced(fence, 10, List.of(new Write.Put(row, bytes("old")))));
                Future<Boolean> newer = pool.submit(() -> store.writeFenced(fence, 11, List.of(new Write.Put(row, bytes("new")))));
                assertThat(newer.get(30, TimeUnit.SECONDS)).isTrue();
                boolean olderLanded = older.get(30, TimeUnit.SECONDS);
                // The older landed only before the newer: the newer's row is what stays.
                assertThat(store.get(row)).as("round %d, older landed %s", round, olderLanded)
                        .hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("new")));
                assertThat(store.writeFenced(fence, 10, List.of(new Write.Put(row, bytes("old"))))).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A fenced batch must stay in one region, which the split policy guarantees for one first byte: a
     * batch leaving its fence key's first byte is refused before any call. The table is created with
     * the endpoint and the split policy that make this hold.
     */
    @Test
    void aFencedBatchStaysInOneFirstByteOnATableThatKeepsItInOneRegion() throws Exception {
        byte[] fence = {0x10, 'c'};
        byte[] far = {0x11, 's'};
        assertThatThrownBy(() -> store.writeFenced(fence, 1, List.of(new Write.Put(far, bytes("x")))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.writeFenced(fence, -1, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.get(far)).isEmpty();
        try (var admin = connection.getAdmin()) {
            var table = admin.getDescriptor(((HBaseKvStore) store).tableName());
            assertThat(table.hasCoprocessor(HBaseKvStore.FENCING)).isTrue();
            assertThat(table.getRegionSplitPolicyClassName()).isEqualTo(HBaseKvStore.SPLIT_POLICY);
            assertThat(table.getValue("KeyPrefixRegionSplitPolicy.prefix_length")).isEqualTo("1");
        }
    }

    /** HBase timestamps are server milliseconds; a delete must not mask a put issued after it in the same ms. */
    @Test
    void putAfterDeleteInTheSameMillisecondSurvives() {
        byte[] key = bytes("flip");
        for (int i = 0; i < 300; i++) {
            byte[] expected = bytes("b" + i);
            store.put(key, bytes("a" + i));
            store.delete(key);
            store.put(key, expected);
            assertThat(store.get(key)).as("round %d", i).hasValueSatisfying(v -> assertThat(v).isEqualTo(expected));
        }
        for (int i = 0; i < 50; i++) {
            byte[] expected = bytes("d" + i);
            store.write(List.of(new Write.Put(key, bytes("c" + i)), new Write.Delete(key), new Write.Put(key, expected)));
            assertThat(store.get(key)).hasValueSatisfying(v -> assertThat(v).isEqualTo(expected));
            store.write(List.of(new Write.Put(key, bytes("e" + i)), new Write.Delete(key)));
            assertThat(store.get(key)).isEmpty();
        }
    }

    /**
     * The contract's tests read from the memstore; block encoding only applies to flushed files. Here
     * the rows fill many 64 KiB blocks per region, are flushed (then partly overwritten and deleted in
     * the memstore, and flushed again), and every read shape is compared with a model.
     */
    @Test
    void readsFromFlushedRowIndexedBlocksMatchAModel() throws Exception {
        HBaseKvStore flushed = new HBaseKvStore(connection, freshTable("flushed_"), 4);
        try (var admin = connection.getAdmin()) {
            var family = admin.getDescriptor(flushed.tableName()).getColumnFamily(HBaseKvStore.FAMILY);
            assertThat(family.getDataBlockEncoding()).isEqualTo(HBaseKvStore.ENCODING);
            assertThat(family.getBlocksize()).isEqualTo(64 * 1024);
        }
        SplittableRandom random = new SplittableRandom(42);
        TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        List<byte[]> everKeys = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            List<Write> writes = new ArrayList<>();
            for (int i = 0; i < 4_000; i++) {
                if (round > 0 && random.nextInt(3) == 0) {
                    byte[] old = everKeys.get(random.nextInt(everKeys.size()));
                    writes.add(new Write.Delete(old));
                    model.remove(old);
                    continue;
                }
                byte[] key = randomBytes(random, 1 + random.nextInt(24));
                byte[] value = randomBytes(random, random.nextInt(120));
                writes.add(new Write.Put(key, value));
                model.put(key, value);
                everKeys.add(key);
            }
            flushed.write(writes);
            if (round < 2) {
                try (var admin = connection.getAdmin()) {
                    admin.flush(flushed.tableName());
                }
            }
        }
        for (int i = 0; i < 300; i++) {
            byte[] key = everKeys.get(random.nextInt(everKeys.size()));
            assertThat(flushed.get(key).orElse(null)).as("get %s", Arrays.toString(key)).isEqualTo(model.get(key));
        }
        for (int from = 0; from < everKeys.size(); from += 200) {
            List<byte[]> keys = new ArrayList<>(everKeys.subList(from, Math.min(from + 200, everKeys.size())));
            keys.add(randomBytes(random, 1 + random.nextInt(24)));
            List<byte[]> got = flushed.multiGet(keys);
            for (int k = 0; k < keys.size(); k++) {
                assertThat(got.get(k)).as("multi-get %s", Arrays.toString(keys.get(k))).isEqualTo(model.get(keys.get(k)));
            }
        }
        assertThat(flushed.scan(new KeyRange(null, null), false, 100_000)).extracting(KeyValue::key)
                .containsExactlyElementsOf(model.keySet());
        assertThat(flushed.scan(new KeyRange(null, null), true, 100_000)).extracting(KeyValue::key)
                .containsExactlyElementsOf(model.descendingKeySet());
        for (int i = 0; i < 100; i++) {
            byte[] a = randomBytes(random, 1 + random.nextInt(3));
            byte[] b = randomBytes(random, 1 + random.nextInt(3));
            if (Arrays.compareUnsigned(a, b) > 0) {
                byte[] t = a;
                a = b;
                b = t;
            }
            var view = model.subMap(a, true, b, false);
            int limit = 1 + random.nextInt(300);
            KeyRange range = new KeyRange(a, b);
            assertThat(flushed.scan(range, false, limit).stream().map(kv -> show(kv.key(), kv.value()))).as("forward %d", i)
                    .containsExactlyElementsOf(view.entrySet().stream().limit(limit).map(e -> show(e.getKey(), e.getValue())).toList());
            assertThat(flushed.scan(range, true, limit).stream().map(kv -> show(kv.key(), kv.value()))).as("reverse %d", i)
                    .containsExactlyElementsOf(view.descendingMap().entrySet().stream().limit(limit).map(e -> show(e.getKey(), e.getValue())).toList());
        }
    }

    private static String show(byte[] key, byte[] value) {
        return HexFormat.of().formatHex(key) + "=" + HexFormat.of().formatHex(value);
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    @Test
    void anExistingTableWithoutSideviewsFamilyIsRefused() throws Exception {
        TableName foreign = TableName.valueOf(freshTable("foreign_"));
        try (var admin = connection.getAdmin()) {
            admin.createTable(TableDescriptorBuilder.newBuilder(foreign)
                    .setColumnFamily(ColumnFamilyDescriptorBuilder.of("other")).build());
        }
        assertThatThrownBy(() -> new HBaseKvStore(connection, foreign.getNameAsString(), 1))
                .isInstanceOf(StorageException.class).hasMessageContaining("cannot open HBase table " + foreign)
                .cause().hasMessageContaining("without the column family 'd'");
    }

    @Test
    void reopeningAnExistingTableKeepsItsDataAndNamespacesAreCreated() {
        String name = "sv_ns" + TABLES.incrementAndGet() + ":records";
        try (HBaseKvStore first = new HBaseKvStore(connection, name, 2)) {
            first.put(bytes("k"), bytes("v"));
        }
        try (HBaseKvStore again = new HBaseKvStore(connection, name, 8)) {
            assertThat(again.tableName()).isEqualTo(TableName.valueOf(name));
            assertThat(again.get(bytes("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v")));
        }
        assertThat(connection.isClosed()).as("a borrowed connection stays open").isFalse();
    }

    @Test
    void connectFromConfigAndHealthCheck() {
        HBaseConfig config = new HBaseConfig(MiniHBase.quorum(), freshTable("configured_"), 2, 0,
                Map.of("hbase.client.retries.number", "3"));
        HBaseKvStore own = HBaseKvStore.connect(config);
        StorageHealthCheck check = new StorageHealthCheck(own, "hbase");
        try {
            own.put(bytes("k"), bytes("v"));
            assertThat(own.multiGet(List.of(bytes("k"), bytes("nope")))).satisfiesExactly(
                    v -> assertThat(v).isEqualTo(bytes("v")), v -> assertThat(v).isNull());
            assertThat(check.execute().isHealthy()).isTrue();
        } finally {
            own.close();
        }
        HealthCheck.Result after = check.execute();
        assertThat(after.isHealthy()).as("store closed its own connection").isFalse();
        assertThat(after.getError()).isInstanceOf(StorageException.class);
        assertThatThrownBy(own::ping).isInstanceOf(StorageException.class);
    }

    @Test
    void configDefaultsAndValidation() {
        HBaseConfig defaults = new HBaseConfig(null, null, null, null, null);
        assertThat(defaults).isEqualTo(HBaseConfig.defaults());
        assertThat(defaults.zookeeperQuorum()).isEqualTo("127.0.0.1:2181");
        assertThat(defaults.table()).isEqualTo("sideview_records");
        assertThat(defaults.regions()).isEqualTo(16);
        assertThat(defaults.readsInFlight()).isEqualTo(1);
        assertThat(defaults.properties()).isEmpty();
        Validator validator = Validators.newValidator();
        assertThat(validator.validate(defaults)).isEmpty();
        for (String ok : List.of("t", "ns:t", "a_b.c-d", "NS_1:Tab.le-2")) {
            assertThat(validator.validate(new HBaseConfig(null, ok, null, null, null))).as(ok).isEmpty();
        }
        for (String bad : List.of("", "a b", "a:b:c", ":t", "ns:", ".t", "-t", "ns-x:t", "t/u")) {
            assertThat(validator.validate(new HBaseConfig(null, bad, null, null, null))).as(bad).isNotEmpty();
        }
        assertThat(validator.validate(new HBaseConfig(null, null, 0, null, null))).isNotEmpty();
        assertThat(validator.validate(new HBaseConfig(null, null, 257, null, null))).isNotEmpty();
        assertThat(validator.validate(new HBaseConfig(null, null, 256, null, null))).isEmpty();
        assertThat(validator.validate(new HBaseConfig(" ", null, null, null, null))).isNotEmpty();
        assertThat(validator.validate(new HBaseConfig(null, null, null, -1, null))).isNotEmpty();
        assertThat(validator.validate(new HBaseConfig(null, null, null, 0, null))).isEmpty();
    }

    /**
     * The same contract through the read coalescing the service puts in front of HBase, and reads
     * racing a writer: each read must see every write acknowledged before it asked.
     */
    @Nested
    class ThroughReadCoalescing extends KvStoreContract {
        @Override
        protected KvStore open() {
            return new CoalescingKvStore(new HBaseKvStore(connection, freshTable("coalesced_"), 4), 2);
        }

        @Test
        void everyReadSeesTheWritesAcknowledgedBeforeItAsked() throws Exception {
            byte[] key = bytes("hot");
            KeyRange hotRows = KeyRange.prefix(bytes("hot"));
            AtomicLong acknowledged = new AtomicLong();
            AtomicLong stale = new AtomicLong();
            AtomicLong reads = new AtomicLong();
            ExecutorService readers = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int kind = t % 3;
                    running.add(readers.submit(() -> {
                        while (acknowledged.get() < 300) {
                            long floor = acknowledged.get();
                            long seen = switch (kind) {
                                case 0 -> store.get(key).map(v -> Long.parseLong(text(v))).orElse(0L);
                                case 1 -> store.multiGet(List.of(bytes("other"), key)).stream()
                                        .filter(java.util.Objects::nonNull).mapToLong(v -> Long.parseLong(text(v))).max().orElse(0L);
                                default -> store.scan(hotRows, false, 10).stream()
                                        .mapToLong(kv -> Long.parseLong(text(kv.value()))).max().orElse(0L);
                            };
                            reads.incrementAndGet();
                            if (seen < floor) {
                                stale.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (long i = 1; i <= 300; i++) {
                    store.put(key, bytes(Long.toString(i)));
                    acknowledged.set(i);
                }
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                readers.shutdownNow();
            }
            assertThat(reads.get()).isGreaterThan(300);
            assertThat(stale.get()).as("reads older than a write acknowledged before they asked").isZero();
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
