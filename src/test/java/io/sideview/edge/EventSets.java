package io.sideview.edge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Random event sets over a small graph (ties and collisions on purpose) and the tools to compare outcomes. */
final class EventSets {
    private EventSets() {}

    static List<Mutation> random(Random r, int n) {
        List<Mutation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long source = 1 + r.nextInt(2);
            long target = 10 + r.nextInt(2);
            long version = 1 + r.nextInt(4);
            MutationType type = switch (r.nextInt(5)) {
                case 0, 1 -> MutationType.INSERT;
                case 2 -> MutationType.UPDATE;
                default -> MutationType.DELETE;
            };
            Map<String, Object> props = new HashMap<>();
            if (type != MutationType.DELETE) {
                if (r.nextBoolean()) {
                    props.put("a", r.nextInt(3) == 0 ? null : (long) r.nextInt(3));
                }
                if (r.nextBoolean()) {
                    props.put("nick", r.nextInt(3) == 0 ? null : "n" + r.nextInt(2));
                }
                if (r.nextInt(3) == 0) {
                    props.put("favorite", r.nextBoolean());
                }
            }
            out.add(new Mutation(type, source, target, version, props));
        }
        return out;
    }

    /** Applies each event to both sides, in the given order. */
    static void applyAll(SideApplier applier, List<Mutation> events) {
        for (Mutation m : events) {
            applier.apply(TestViews.LAYOUT, Side.OUT, m);
            applier.apply(TestViews.LAYOUT, Side.IN, m);
        }
    }

    /** Applies the events (both sides each) in random batches through {@link SideApplier#applyAll}. */
    static void applyInBatches(SideApplier applier, List<Mutation> events, Random random) {
        for (List<SideMutation> batch : batches(events, random)) {
            applier.applyAll(batch);
        }
    }

    /** The events as side items, in order, cut into batches of random sizes. */
    static List<List<SideMutation>> batches(List<Mutation> events, Random random) {
        List<SideMutation> items = new ArrayList<>();
        for (Mutation m : events) {
            items.add(SideRouter.route(TestViews.LAYOUT, Side.OUT, m));
            items.add(SideRouter.route(TestViews.LAYOUT, Side.IN, m));
        }
        List<List<SideMutation>> out = new ArrayList<>();
        int at = 0;
        while (at < items.size()) {
            int n = 1 + random.nextInt(items.size() - at);
            out.add(items.subList(at, at + n));
            at += n;
        }
        return out;
    }

    /**
     * Every record; count rows reduced to the count (their applied-seq counts applies, which
     * legitimately differs between orders, and must have no intent left).
     */
    static Map<String, String> records(MemoryKvStore store) {
        Map<String, String> out = new TreeMap<>();
        for (var e : store.dump().entrySet()) {
            byte type = (byte) Integer.parseInt(e.getKey().substring(10, 12), 16);
            if (type == RecordType.COUNT.code) {
                var c = RecordCodec.decodeCount(java.util.HexFormat.of().parseHex(e.getValue()));
                out.put(e.getKey(), "count=" + c.count() + (c.intent() == null ? "" : " PENDING"));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Brute force: which edges are active, from the events alone (newest insert newer than newest delete). */
    static Map<String, Long> modelCounts(List<Mutation> events) {
        Map<List<Object>, long[]> edges = new HashMap<>();
        for (Mutation m : events) {
            long[] v = edges.computeIfAbsent(List.of(m.source(), m.target()), k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
            if (m.type() == MutationType.INSERT) {
                v[0] = Math.max(v[0], m.version());
            } else if (m.type() == MutationType.DELETE) {
                v[1] = Math.max(v[1], m.version());
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        edges.forEach((k, v) -> {
            if (v[0] != Long.MIN_VALUE && v[0] > v[1]) {
                counts.merge("OUT:" + k.get(0), 1L, Long::sum);
                counts.merge("IN:" + k.get(1), 1L, Long::sum);
            }
        });
        return counts;
    }

    static Map<String, Long> storedCounts(MemoryKvStore store) {
        Map<String, Long> counts = new TreeMap<>();
        for (long s = 1; s <= 2; s++) {
            long c = SideApplier.count(store, TestViews.LAYOUT, Side.OUT, s);
            if (c != 0) {
                counts.put("OUT:" + s, c);
            }
        }
        for (long t = 10; t <= 11; t++) {
            long c = SideApplier.count(store, TestViews.LAYOUT, Side.IN, t);
            if (c != 0) {
                counts.put("IN:" + t, c);
            }
        }
        return counts;
    }
}
