package io.sideview.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        String[] last = {null};
        try {
            Awaitility.await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(500)).until(() -> {
                try {
                    last[0] = difference(http.get(), workload, view);
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
        List<FriendsWorkload.Row> rows = workload.activeRows();
        Map<Long, List<Long>> out = FriendsWorkload.newestFirst(rows, true);
        Map<Long, List<Long>> in = FriendsWorkload.newestFirst(rows, false);
        for (long user = 0; user < FriendsWorkload.USERS; user++) {
            String d = compare(http, view, "OUT", user, out.getOrDefault(user, List.of()), "target");
            if (d != null) {
                return d;
            }
        }
        for (long friend = 0; friend < FriendsWorkload.FRIENDS; friend++) {
            String d = compare(http, view, "IN", friend, in.getOrDefault(friend, List.of()), "source");
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private static String compare(Http http, String view, String direction, long node, List<Long> expected, String otherField) {
        Http.Reply r = http.get("/v1/views/" + view + "/count?start=" + node + "&direction=" + direction);
        if (r.status() != 200) {
            return "count answered " + r.status() + ": " + r.body();
        }
        long count = r.json().at("/counts/0/count").asLong();
        if (count != expected.size()) {
            return direction + " count of " + node + " is " + count + ", SQL says " + expected.size();
        }
        List<Long> scanned = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get("/v1/views/" + view + "/scan?start=" + node + "&direction=" + direction
                    + "&index=recent&limit=50" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("edges").forEach(e -> scanned.add(e.get(otherField).asLong()));
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null);
        if (!scanned.equals(expected)) {
            return direction + " scan of " + node + " is " + scanned + ", SQL says " + expected;
        }
        return null;
    }
}
