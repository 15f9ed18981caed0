package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SortOrder;
import io.sideview.registry.model.ViewDefinition;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queries against a brute-force model on a random graph of 1,000 nodes, on a real backend (each
 * subclass opens one): events are applied shuffled through the lanes, then every node's counts, its
 * paged scans (by target, and reverse newest-first by index) and mutual for random pairs must equal
 * what the model computes from the events.
 */
abstract class RandomGraphModelTest {
    static final int NODES = 1000;
    static final ViewDefinition FOLLOWS = new ViewDefinition("follows", null, IdType.LONG, IdType.LONG, Direction.BOTH,
            List.of(new PropertyDef(1, "created_at", PropertyType.LONG, false, null)),
            List.of(new IndexDef(1, "recent", List.of(new IndexField("created_at", SortOrder.DESC)))), null);

    protected abstract KvStore open() throws Exception;

    protected abstract int saltBuckets();

    private KvStore store;
    private EdgeWriter writer;

    @BeforeEach
    void setUp() throws Exception {
        store = open();
        writer = new EdgeWriter(store, 4);
        writer.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        writer.stop();
        store.close();
    }

    /** Final truth per edge, from the events alone. */
    static final class ModelEdge {
        long insert = Long.MIN_VALUE;
        long delete = Long.MIN_VALUE;
        long createdVersion = Long.MIN_VALUE;
        long createdAt;

        boolean active() {
            return insert != Long.MIN_VALUE && insert > delete;
        }
    }

    /** Applies 6,000 random events (shuffled) through the lanes; returns the model they define. */
    private Map<List<Long>, ModelEdge> applyRandomEvents(Random random, ViewLayout layout) {
        List<Mutation> events = new ArrayList<>();
        Map<List<Long>, ModelEdge> model = new HashMap<>();
        long version = 0;
        for (int i = 0; i < 6000; i++) {
            // Power-law-ish: low node ids are far more popular as targets.
            long source = random.nextInt(NODES);
            long target = (long) Math.floor(Math.pow(random.nextDouble(), 3) * NODES);
            int kind = random.nextInt(10);
            long v = ++version;
            long createdAt = random.nextInt(500);
            ModelEdge e = model.computeIfAbsent(List.of(source, target), k -> new ModelEdge());
            if (kind < 6) {
                events.add(new Mutation(MutationType.INSERT, source, target, v, Map.of("created_at", createdAt)));
                e.insert = Math.max(e.insert, v);
                if (v > e.createdVersion) {
                    e.createdVersion = v;
                    e.createdAt = createdAt;
                }
            } else if (kind < 8) {
                events.add(new Mutation(MutationType.UPDATE, source, target, v, Map.of("created_at", createdAt)));
                if (v > e.createdVersion) {
                    e.createdVersion = v;
                    e.createdAt = createdAt;
                }
            } else {
                events.add(new Mutation(MutationType.DELETE, source, target, v, Map.of()));
                e.delete = Math.max(e.delete, v);
            }
        }
        Collections.shuffle(events, random);
        // Some one at a time, most in batches of up to 200 (one lane task each, as a capture batch).
        List<CompletableFuture<ApplyStatus>> futures = new ArrayList<>();
        for (int i = 0; i < events.size(); ) {
            int n = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(200);
            List<Mutation> part = events.subList(i, Math.min(events.size(), i + n));
            if (part.size() == 1) {
                futures.add(writer.apply(layout, part.get(0)));
            } else {
                futures.addAll(writer.apply(layout, part));
            }
            i += part.size();
        }
        futures.forEach(CompletableFuture::join);
        return model;
    }

    @Test
    void queriesMatchTheModel() {
        Random random = new Random(99);
        ViewLayout layout = new ViewLayout(3, FOLLOWS, saltBuckets());
        Map<List<Long>, ModelEdge> model = applyRandomEvents(random, layout);

        Map<Long, List<long[]>> out = new HashMap<>();
        Map<Long, List<long[]>> in = new HashMap<>();
        model.forEach((k, e) -> {
            if (e.active()) {
                out.computeIfAbsent(k.get(0), x -> new ArrayList<>()).add(new long[] {k.get(1), e.createdAt});
                in.computeIfAbsent(k.get(1), x -> new ArrayList<>()).add(new long[] {k.get(0), e.createdAt});
            }
        });
        EdgeReader reader = new EdgeReader(store);
        IndexDef recent = FOLLOWS.indexes().get(0);
        for (long node = 0; node < NODES; node++) {
            List<long[]> outs = out.getOrDefault(node, List.of());
            List<long[]> ins = in.getOrDefault(node, List.of());
            assertThat(reader.counts(layout, Side.OUT, List.of(node))).as("out count of %d", node).containsExactly((long) outs.size());
            assertThat(reader.counts(layout, Side.IN, List.of(node))).as("in count of %d", node).containsExactly((long) ins.size());

            List<Long> expectedTargets = outs.stream().map(x -> x[0]).sorted().toList();
            List<Long> targets = new ArrayList<>();
            for (Edge e : pages(reader, layout, Side.OUT, node, null, 7)) {
                targets.add((Long) e.target());
                assertThat(e.source()).isEqualTo(node);
            }
            assertThat(targets).as("scan by target of %d", node).isEqualTo(expectedTargets);

            List<long[]> expectedIn = new ArrayList<>(ins);
            expectedIn.sort(Comparator.<long[]>comparingLong(x -> -x[1]).thenComparingLong(x -> x[0]));
            List<Edge> reverse = pages(reader, layout, Side.IN, node, recent, 5);
            assertThat(reverse).extracting(e -> (Long) e.source()).as("reverse newest-first of %d", node)
                    .containsExactlyElementsOf(expectedIn.stream().map(x -> x[0]).toList());
            assertThat(reverse).extracting(e -> (Long) e.properties().get("created_at"))
                    .containsExactlyElementsOf(expectedIn.stream().map(x -> x[1]).toList());
        }
        for (int q = 0; q < 300; q++) {
            long a = random.nextInt(NODES);
            long b = random.nextInt(NODES);
            TreeSet<Long> expected = new TreeSet<>();
            out.getOrDefault(a, List.of()).forEach(x -> expected.add(x[0]));
            expected.retainAll(out.getOrDefault(b, List.of()).stream().map(x -> x[0]).toList());
            List<Object> mutual = new ArrayList<>();
            byte[] after = null;
            do {
                EdgeReader.Page<Object> page = reader.mutual(layout, a, b, after, 3);
                mutual.addAll(page.items());
                after = page.lastKey();
            } while (after != null);
            assertThat(mutual).as("mutual of %d and %d", a, b).containsExactlyElementsOf(new ArrayList<>(expected));
        }
    }

    /**
     * Verify and rebuild over a real backend: a clean view verifies exact with the model's edge count;
     * drift planted in every derived record kind (a lost index row, a stale one, an orphan under a node
     * with no edges, a wrong count, a stray count) is found, counted, and rebuilt back to exactly the
     * clean records; a second verify is exact again.
     */
    @Test
    void verifyFindsDriftAndRebuildRepairsIt() throws Exception {
        Random random = new Random(7);
        ViewLayout layout = new ViewLayout(4, FOLLOWS, saltBuckets());
        Map<List<Long>, ModelEdge> model = applyRandomEvents(random, layout);
        long activeEdges = model.values().stream().filter(ModelEdge::active).count();
        var audits = new io.sideview.jobs.ViewAuditRun(store, writer);
                List<IndexDef> indexes = FOLLOWS.indexes();

        var clean = audits.verify(layout, () -> false, n -> { }).orElseThrow();
        assertThat(clean.exact()).as(clean.toString()).isTrue();
        assertThat(clean.findings().edges()).isEqualTo(activeEdges);
        Map<String, String> before = dump(layout);

        // Node 0 is the most popular target: drift on its IN side.
        List<io.sideview.storage.KeyValue> rows = store.scan(io.sideview.storage.KeyRange.prefix(
                layout.indexPrefix(Side.IN, 0L, indexes.get(0))), false, 10);
        assertThat(rows).hasSizeGreaterThan(1);
        store.delete(rows.get(0).key());                                            // a lost index row
        byte[] stale = rows.get(1).key().clone();
        stale[stale.length - 1] ^= 0x55;                                            // an index row for no edge
        store.put(stale, rows.get(1).value());
        long nobody = 5_000_000L;                                                   // a node that has no edges at all
        store.put(layout.indexKey(Side.OUT, nobody, 1L, RecordCodec.decodeEdge(rows.get(1).value()).state(), indexes.get(0)), rows.get(1).value());
        store.put(layout.countKey(Side.IN, 0L), RecordCodec.encodeCount(new RecordCodec.CountRecord(
                SideApplier.count(store, layout, Side.IN, 0L) + 5, 1, null)));        // a wrong count
        store.put(layout.countKey(Side.OUT, nobody + 1), RecordCodec.encodeCount(new RecordCodec.CountRecord(3, 1, null)));

        var drift = audits.verify(layout, () -> false, n -> { }).orElseThrow();
        assertThat(drift.exact()).isFalse();
        assertThat(drift.findings().indexRowsMissing()).as(drift.toString()).isEqualTo(1);
        assertThat(drift.findings().indexRowsStale()).as(drift.toString()).isEqualTo(2);
        assertThat(drift.findings().countMismatches()).as(drift.toString()).isEqualTo(2);
        assertThat(dump(layout)).as("verify reads only").isNotEqualTo(before);

        var rebuilt = audits.rebuild(layout, () -> false, n -> { }).orElseThrow();
        assertThat(rebuilt.repaired()).isTrue();
        assertThat(dump(layout)).as("rebuilt records").isEqualTo(before);
        var again = audits.verify(layout, () -> false, n -> { }).orElseThrow();
        assertThat(again.exact()).as(again.toString()).isTrue();
        assertThat(again.findings().edges()).isEqualTo(activeEdges);
    }

    /**
     * The two sides of a BOTH view must hold the same edges: an IN record lost, or an OUT record that
     * holds another state, is reported as a side mismatch, while live applies on both sides during
     * the verify are not (their differences are gone once the lanes drain).
     */
    @Test
    void verifyFindsSidesThatDisagree() throws Exception {
        Random random = new Random(11);
        ViewLayout layout = new ViewLayout(5, FOLLOWS, saltBuckets());
        applyRandomEvents(random, layout);
        var audits = new io.sideview.jobs.ViewAuditRun(store, writer);
                // Writes keep arriving on both sides while the verify runs.
        List<CompletableFuture<ApplyStatus>> live = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            live.add(writer.apply(layout, new Mutation(MutationType.INSERT, random.nextInt(NODES), random.nextInt(NODES),
                    1_000_000 + i, Map.of("created_at", (long) i))));
        }
        var clean = audits.verify(layout, () -> false, n -> { }).orElseThrow();
        live.forEach(CompletableFuture::join);
        assertThat(clean.findings().sideMismatches()).as(clean.toString()).isZero();
        assertThat(clean.exact()).isTrue();

        // Lose the IN record of one active edge; give the OUT record of another an older state.
        List<io.sideview.storage.KeyValue> outRows = store.scan(io.sideview.storage.KeyRange.prefix(
                layout.prefix(Side.OUT, RecordType.STATE, 1L)), false, 100);
        List<io.sideview.storage.KeyValue> active = outRows.stream().filter(r -> RecordCodec.isActive(r.value())).toList();
        assertThat(active).hasSizeGreaterThan(1);
        Object lostTarget = RecordCodec.decodeEdge(active.get(0).value()).other();
        store.delete(layout.stateKey(Side.IN, lostTarget, 1L));
        var changed = RecordCodec.decodeEdge(active.get(1).value());
        store.put(active.get(1).key(), RecordCodec.encodeEdge(changed.other(),
                new EdgeState(changed.state().insertVersion() - 1, EdgeState.NONE, changed.state().properties())));

        var drift = audits.verify(layout, () -> false, n -> { }).orElseThrow();
        assertThat(drift.findings().sideMismatches()).as(drift.toString()).isEqualTo(2);
        assertThat(drift.exact()).isFalse();
        assertThat(drift.findings().samples().toString()).contains("1 -> " + lostTarget, "1 -> " + changed.other());
    }

    /** Every record of the view as hex key -> comparable value: counts by their count only (a rebuild bumps the seq; absent = 0). */
    private Map<String, String> dump(ViewLayout layout) {
        Map<String, String> out = new java.util.TreeMap<>();
        byte[] start = new byte[0];
        while (true) {
            var page = store.scan(new io.sideview.storage.KeyRange(start, null), false, 1000);
            for (var kv : page) {
                boolean isCount = kv.key()[(saltBuckets() > 0 ? 1 : 0) + 5] == RecordType.COUNT.code;
                String value = isCount ? String.valueOf(RecordCodec.decodeCount(kv.value()).count())
                        : java.util.HexFormat.of().formatHex(kv.value());
                if (!(isCount && value.equals("0"))) {
                    out.put(java.util.HexFormat.of().formatHex(kv.key()), value);
                }
            }
            if (page.size() < 1000) {
                return out;
            }
            start = java.util.Arrays.copyOf(page.get(page.size() - 1).key(), page.get(page.size() - 1).key().length + 1);
        }
    }

    private static List<Edge> pages(EdgeReader reader, ViewLayout layout, Side side, long node, IndexDef index, int limit) {
        List<Edge> all = new ArrayList<>();
        byte[] after = null;
        do {
            EdgeReader.Page<Edge> page = reader.scan(layout, side, node, index, IndexRange.ALL, after, limit);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            all.addAll(page.items());
            after = page.lastKey();
        } while (after != null);
        return all;
    }
}
