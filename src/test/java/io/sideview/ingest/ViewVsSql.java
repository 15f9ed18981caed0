package io.sideview.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The acceptance check of ingestion: for every user and every friend, the view's count and
 * newest-first scan (OUT), and reverse count and reverse scan (IN), equal SQL over every shard.
 */
final class ViewVsSql {
    private ViewVsSql() {}

    /** Polls until the view equals SQL; fails with the last difference after {@code seconds}. */
    static void awaitExact(Supplier<Http> http, FriendsWorkload workload, String when, int seconds) throws Exception {
        awaitExact(http, workload, "friends", when, seconds);
    }

    static void awaitExact(Supplier<Http> http, FriendsWorkload workload, String view, String when, int seconds) {
        await(http, workload, view, false, when, seconds);
    }

    /** {@link #awaitExact}, and every edge's properties (nickname, favorite, created_at) equal its row's too. */
    static void awaitExactWithProperties(Supplier<Http> http, FriendsWorkload workload, String when, int seconds) {
        await(http, workload, "friends", true, when, seconds);
    }

    private static void await(Supplier<Http> http, FriendsWorkload workload, String view, boolean properties, String when,
                              int seconds) {
        String[] last = {null};
        try {
            Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    last[0] = difference(http.get(), workload, view, properties);
                } catch (RuntimeException e) {
                    last[0] = "service not answering: " + e;
                }
                return last[0] == null;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("view differs from SQL " + when + ": " + last[0], e);
        }
    }

    static String difference(Http http, FriendsWorkload workload, String view) throws Exception {
        return difference(http, workload, view, false);
    }

    private static String difference(Http http, FriendsWorkload workload, String view, boolean properties) throws Exception {
        List<FriendsWorkload.Row> rows = workload.activeRows();
        Map<Long, List<Long>> out = FriendsWorkload.newestFirst(rows, true);
        Map<Long, List<Long>> in = FriendsWorkload.newestFirst(rows, false);
        Map<List<Long>, FriendsWorkload.Row> byEdge = properties ? byEdge(rows) : null;
        for (long user = 0; user < FriendsWorkload.USERS; user++) {
            String d = compare(read(http, view, "OUT", user), "OUT", user, out.getOrDefault(user, List.of()), byEdge);
            if (d != null) {
                return d;
            }
        }
        for (long friend = 0; friend < FriendsWorkload.FRIENDS; friend++) {
            String d = compare(read(http, view, "IN", friend), "IN", friend, in.getOrDefault(friend, List.of()), byEdge);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    /**
     * The view against SQL in numbers, over the node sides {@link #difference} checks (every user's OUT
     * side, every friend's IN side; an edge counts once per side): lost are the edge sides SQL has and
     * the view does not count or list; counted twice, those the view counts or lists beyond SQL (an
     * edge listed twice, counted twice, or never in SQL).
     */
    record Tally(long sqlSides, long viewSides, long lost, long countedTwice, String firstDifference) {
        @Override
        public String toString() {
            return sqlSides + " edge sides in SQL, " + viewSides + " counted by the view: " + lost + " lost, "
                    + countedTwice + " counted twice" + (firstDifference == null ? "" : " (first: " + firstDifference + ")");
        }
    }

    static Tally tally(Http http, FriendsWorkload workload) throws Exception {
        List<FriendsWorkload.Row> rows = workload.activeRows();
        long[] t = new long[4];
        String[] first = {null};
        for (String direction : List.of("OUT", "IN")) {
            Map<Long, List<Long>> expected = FriendsWorkload.newestFirst(rows, direction.equals("OUT"));
            int nodes = direction.equals("OUT") ? FriendsWorkload.USERS : FriendsWorkload.FRIENDS;
            for (long node = 0; node < nodes; node++) {
                List<Long> sql = expected.getOrDefault(node, List.of());
                NodeView v = read(http, "friends", direction, node);
                if (v.error() != null) {
                    throw new AssertionError(v.error());
                }
                List<Long> listed = v.others();
                Set<Long> sqlSet = new HashSet<>(sql);
                Set<Long> listedSet = new HashSet<>(listed);
                long missing = sql.stream().filter(o -> !listedSet.contains(o)).count();
                long beyond = (listed.size() - listedSet.size()) + listedSet.stream().filter(o -> !sqlSet.contains(o)).count();
                long lost = Math.max(missing, Math.max(0, sql.size() - v.count()));
                long twice = Math.max(beyond, Math.max(0, v.count() - sql.size()));
                t[0] += sql.size();
                t[1] += v.count();
                t[2] += lost;
                t[3] += twice;
                if (first[0] == null && (lost > 0 || twice > 0)) {
                    first[0] = direction + " side of " + node + ": SQL " + sql + ", view counts " + v.count() + " and lists " + listed;
                }
            }
        }
        return new Tally(t[0], t[1], t[2], t[3], first[0]);
    }

    /** One node side as the view serves it: its count and its newest-first scan, each edge's other id and properties. */
    private record NodeView(long count, List<Long> others, List<JsonNode> properties, String error) {}

    private static NodeView read(Http http, String view, String direction, long node) {
        Http.Reply r = http.get("/v1/views/" + view + "/count?start=" + node + "&direction=" + direction);
        if (r.status() != 200) {
            return new NodeView(0, List.of(), List.of(), "count answered " + r.status() + ": " + r.body());
        }
        long count = r.json().at("/counts/0/count").asLong();
        String otherField = direction.equals("OUT") ? "target" : "source";
        List<Long> others = new ArrayList<>();
        List<JsonNode> properties = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get("/v1/views/" + view + "/scan?start=" + node + "&direction=" + direction
                    + "&index=recent&limit=50" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("edges").forEach(e -> {
                others.add(e.get(otherField).asLong());
                properties.add(e.get("properties"));
            });
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        return new NodeView(count, others, properties, null);
    }

    private static String compare(NodeView v, String direction, long node, List<Long> expected,
                                  Map<List<Long>, FriendsWorkload.Row> byEdge) {
        if (v.error() != null) {
            return v.error();
        }
        if (v.count() != expected.size()) {
            return direction + " count of " + node + " is " + v.count() + ", SQL says " + expected.size();
        }
        if (!v.others().equals(expected)) {
            return direction + " scan of " + node + " is " + v.others() + ", SQL says " + expected;
        }
        if (byEdge != null) {
            for (int i = 0; i < v.others().size(); i++) {
                List<Long> edge = direction.equals("OUT") ? List.of(node, v.others().get(i)) : List.of(v.others().get(i), node);
                FriendsWorkload.Row row = byEdge.get(edge);
                JsonNode p = v.properties().get(i);
                JsonNode nickname = p.path("nickname");
                if (!Objects.equals(nickname.isNull() || nickname.isMissingNode() ? null : nickname.asText(), row.nickname())
                        || p.path("favorite").asBoolean() != row.favorite() || p.path("created_at").asLong() != row.createdAt()) {
                    return direction + " scan of " + node + ": edge " + edge + " has properties " + p + ", SQL says " + row;
                }
            }
        }
        return null;
    }

    private static Map<List<Long>, FriendsWorkload.Row> byEdge(List<FriendsWorkload.Row> rows) {
        Map<List<Long>, FriendsWorkload.Row> out = new HashMap<>();
        rows.forEach(r -> out.put(List.of(r.user(), r.friend()), r));
        return out;
    }
}
