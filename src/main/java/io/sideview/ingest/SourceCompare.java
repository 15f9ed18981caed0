package io.sideview.ingest;

import io.sideview.edge.EdgeState;
import io.sideview.edge.Mutation;
import io.sideview.edge.NodeSnapshot;
import io.sideview.edge.Side;
import io.sideview.edge.Transition;
import io.sideview.jobs.api.JobResult.DifferenceKind;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.ViewDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares what the source rows say about one node side with what the view holds for it (design
 * §11). Pure: the rows are already mapped, the view already read. A difference is <em>explained</em>
 * when the view's record of that edge was written at or after the position the rows were read at
 * (a later change the snapshot cannot show): the caller re-checks it rather than report it.
 */
final class SourceCompare {
    private SourceCompare() {}

    /** What the source says about one edge: the row's mutation, its state after a fresh apply, its shard. */
    record Expected(Mutation mutation, EdgeState state, String shard) {
        static Expected of(Mutation m, String shard, ViewDefinition view) {
            return new Expected(m, Transition.apply(EdgeState.EMPTY, m, view), shard);
        }

        /** Two rows of one edge (two shards): what ingestion makes of both, the join. */
        Expected and(Expected other, ViewDefinition view) {
            EdgeState joined = Transition.join(state, other.state, view);
            return mutation.version() >= other.mutation.version() ? new Expected(mutation, joined, shard)
                    : new Expected(other.mutation, joined, other.shard);
        }
    }

    /** One difference on the node side; {@code other} null for the node's own records (count, index). */
    record Found(DifferenceKind kind, Object other, String detail, boolean explained) {}

    /**
     * @param expected  by the edge's other end, every row the source has for this node side
     * @param laterFrom per shard, the first version of a change the rows could not show: v(P) of the position
     *                  recorded before the read; a view record at or above it is explained
     * @param twins     also compare each edge with its twin on the other side (the snapshot holds them)
     */
    static List<Found> compare(ViewDefinition view, Side side, Map<Object, Expected> expected, NodeSnapshot found,
                               Map<String, Long> laterFrom, boolean twins) {
        long anyShard = laterFrom.values().stream().mapToLong(Long::longValue).min().orElse(Long.MIN_VALUE);
        List<Found> out = new ArrayList<>();
        Set<Object> others = new LinkedHashSet<>(expected.keySet());
        others.addAll(found.states().keySet());
        long active = 0;
        for (Object other : sorted(others)) {
            Expected e = expected.get(other);
            EdgeState s = found.states().get(other);
            boolean want = e != null && e.state().active();
            boolean have = s != null && s.active();
            active += want ? 1 : 0;
            long later = e == null ? anyShard : laterFrom.getOrDefault(e.shard(), anyShard);
            boolean explained = s != null && s.version() >= later;
            if (want && !have) {
                out.add(new Found(DifferenceKind.MISSING_EDGE, other, "source: active on " + e.shard() + "; view: "
                        + (s == null ? "no record" : "deleted"), explained));
            } else if (!want && have) {
                out.add(new Found(DifferenceKind.GHOST_EDGE, other, "view: active; source: "
                        + (e == null ? "no row" : "deleted row on " + e.shard()), explained));
            } else if (want) {
                String diff = properties(view, e.state(), s);
                if (diff != null) {
                    out.add(new Found(DifferenceKind.PROPERTY, other, diff, explained));
                }
            }
            if (twins && found.twins().containsKey(other)) {
                EdgeState twin = found.twins().get(other);
                if (!Objects.equals(s, twin)) {
                    boolean moved = (s != null && s.version() >= later) || (twin != null && twin.version() >= later);
                    out.add(new Found(DifferenceKind.SIDES_DISAGREE, other, side + " " + describe(s) + ", "
                            + side.opposite() + " " + describe(twin), moved));
                }
            }
        }
        if (found.count() != active) {
            boolean moved = out.stream().anyMatch(Found::explained);
            out.add(new Found(DifferenceKind.COUNT, null, "source: " + active + " active edges; view count: " + found.count(), moved));
        }
        if (found.audit().indexMissing() > 0) {
            out.add(new Found(DifferenceKind.INDEX_MISSING, null, found.audit().indexMissing() + " index rows missing or wrong", false));
        }
        if (found.audit().indexStale() > 0) {
            out.add(new Found(DifferenceKind.INDEX_STALE, null, found.audit().indexStale() + " index rows with no active edge", false));
        }
        return out;
    }

    /** The first property whose value differs, as "name: source X, view Y"; null when all agree. */
    private static String properties(ViewDefinition view, EdgeState want, EdgeState have) {
        for (PropertyDef p : view.properties()) {
            Object a = want.value(p.id());
            Object b = have.value(p.id());
            if (!Objects.equals(a, b)) {
                return p.name() + ": source " + quote(a) + ", view " + quote(b);
            }
        }
        return null;
    }

    private static String describe(EdgeState s) {
        return s == null ? "no record" : s.active() ? "active" + s.properties().values().stream().map(v -> quote(v.value())).toList()
                : "deleted";
    }

    private static String quote(Object v) {
        String text = v instanceof String ? "'" + v + "'" : String.valueOf(v);
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Object> sorted(Set<Object> ids) {
        List<Object> list = new ArrayList<>(ids);
        Collections.sort((List) list);
        return list;
    }
}
