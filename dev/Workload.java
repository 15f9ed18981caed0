import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's application: a `social.friends` table sharded by user id (shard = user_id % shards),
 * sample data, a paced workload and a view-versus-SQL check. Used by dev/demo.sh; needs the MariaDB
 * driver and Jackson, both inside target/sideview.jar:
 *
 *   java -cp target/sideview.jar dev/Workload.java seed  [--users N] [--shards 3307,3308]
 *   java -cp target/sideview.jar dev/Workload.java run   [--rate N] [--threads T] [--users N] [--seconds S] [--api URL] [--shards ...]
 *   java -cp target/sideview.jar dev/Workload.java check [--users N] [--api URL] [--shards ...]
 *
 * run: inserts, updates, soft deletes (status = 'DELETED') and restores, hard deletes, re-adds of
 * hard-deleted pairs and primary-key moves (UPDATE friend_id), at --rate changes per second, until
 * --seconds elapse (0: until stopped); every 5 s it prints the ingest status and user 1's count in
 * the view and in SQL. check: waits for the view to catch up, then compares the OUT and IN count of
 * every user and the newest-first scan of a few users with SQL; exit code 1 on a difference.
 */
public final class Workload {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static int users = 200;
    static int rate = 50;
    static int seconds = 0;
    static int threads = 2;
    static long seed = 42;
    static String api = "http://127.0.0.1:8080/api/v1";
    static List<Integer> ports = List.of(3307, 3308);

    public static void main(String[] args) throws Exception {
        System.setProperty("mariadb.logging.disable", "true"); // the jar's logback would print the driver's DEBUG lines
        if (args.length == 0) {
            usage();
        }
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage();
            }
            String v = args[i + 1];
            switch (args[i]) {
                case "--users" -> users = Integer.parseInt(v);
                case "--rate" -> rate = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--api" -> api = v.replaceAll("/+$", "");
                case "--shards" -> ports = java.util.Arrays.stream(v.split(",")).map(String::trim).map(Integer::parseInt).toList();
                default -> usage();
            }
        }
        if (users < 2 || rate < 1 || seconds < 0 || threads < 1) {
            usage();
        }
        switch (args[0]) {
            case "seed" -> seedData();
            case "run" -> new Runner().run();
            case "check" -> System.exit(check() ? 0 : 1);
            default -> usage();
        }
    }

    static void usage() {
        System.err.println("usage: Workload seed|run|check [--users N] [--rate N] [--seconds S] [--threads T] [--seed N] [--api URL] [--shards P,P]");
        System.exit(2);
    }

    static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/social", "root", "");
    }

    static int shardOf(long user) {
        return (int) (user % ports.size());
    }

    static String now() {
        return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
    }

    // ------------------------------------------------------------------ seed

    /** Every user gets 2..42 friends (most get few), ~5% soft-deleted, created over the past year. */
    static void seedData() throws SQLException {
        Random r = new Random(seed);
        long t = System.currentTimeMillis();
        long year = 365L * 24 * 3600 * 1000;
        int[] perShard = new int[ports.size()];
        List<Connection> conns = new ArrayList<>();
        List<PreparedStatement> inserts = new ArrayList<>();
        try {
            for (int p : ports) {
                Connection c = connect(p);
                c.setAutoCommit(false);
                conns.add(c);
                inserts.add(c.prepareStatement("INSERT INTO friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)"));
            }
            int total = 0;
            for (long u = 1; u <= users; u++) {
                int n = Math.min(users - 1, 2 + (int) (Math.pow(r.nextDouble(), 2) * 41));
                java.util.Set<Long> chosen = new java.util.HashSet<>();
                while (chosen.size() < n) {
                    long f = 1 + r.nextInt(users);
                    if (f != u) {
                        chosen.add(f);
                    }
                }
                PreparedStatement ps = inserts.get(shardOf(u));
                for (long f : chosen) {
                    long created = t - (long) (r.nextDouble() * year);
                    ps.setLong(1, u);
                    ps.setLong(2, f);
                    ps.setString(3, r.nextInt(3) == 0 ? "nick-" + r.nextInt(1000) : null);
                    ps.setBoolean(4, r.nextInt(7) == 0);
                    ps.setString(5, r.nextInt(20) == 0 ? "DELETED" : "ACTIVE");
                    ps.setLong(6, created);
                    ps.setLong(7, Math.min(t, created + (long) (r.nextDouble() * year / 12)));
                    ps.addBatch();
                    perShard[shardOf(u)]++;
                    total++;
                }
            }
            for (int i = 0; i < conns.size(); i++) {
                inserts.get(i).executeBatch();
                conns.get(i).commit();
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < ports.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append("shard").append(i).append(" (:").append(ports.get(i)).append(") ").append(perShard[i]);
            }
            System.out.printf("[%s] sample data: %d users, %d rows: %s%n", now(), users, total, sb);
        } finally {
            for (Connection c : conns) {
                c.close();
            }
        }
    }

    // ------------------------------------------------------------------ workload

    /**
     * Runs the workload: one lane per shard and --threads lanes per shard, each with its own
     * connection, its own users (user / shards % threads) and its own model of their rows, so lanes
     * never touch the same row and need no coordination. Each lane commits every 100 ms tick.
     */
    static final class Runner {
        final Map<String, AtomicLong> kinds = new LinkedHashMap<>();
        final AtomicLong changes = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        volatile boolean stop;
        long started;

        Runner() {
            for (String k : List.of("insert", "update", "soft-delete", "restore", "hard-delete", "re-add", "move")) {
                kinds.put(k, new AtomicLong());
            }
        }

        void run() throws Exception {
            int lanes = ports.size() * threads;
            List<Lane> all = new ArrayList<>();
            for (int i = 0; i < lanes; i++) {
                all.add(new Lane(this, i % ports.size(), i / ports.size(), (rate + lanes - 1 - i) / lanes));
            }
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop = true; // SIGTERM: finish the tick, commit, print the summary
                try {
                    finished.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    // exiting
                }
            }));
            Thread reporter = new Thread(this::report, "reporter");
            reporter.setDaemon(true);
            System.out.printf("[%s] workload: %d changes/s over users 1..%d, %d connections%s; a line every 5 s%n", now(), rate, users, lanes,
                    seconds > 0 ? " for " + seconds + " s" : " until stopped");
            started = System.nanoTime();
            reporter.start();
            List<Thread> threadList = new ArrayList<>();
            for (Lane lane : all) {
                Thread t = new Thread(lane, "lane-" + lane.shard + "-" + lane.slot);
                t.start();
                threadList.add(t);
            }
            for (Thread t : threadList) {
                t.join();
            }
            double s = (System.nanoTime() - started) / 1e9;
            StringBuilder sb = new StringBuilder();
            kinds.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v.get()));
            System.out.printf("[%s] workload stopped: %d changes in %.1f s (%.1f/s): %s%s%n", now(), changes.get(), s,
                    changes.get() / s, sb, errors.get() > 0 ? "; " + errors.get() + " failed statements" : "");
            System.out.flush();
            finished.countDown();
        }

        void report() {
            long user = 1;
            int port = ports.get(shardOf(user));
            while (!stop) {
                try {
                    Thread.sleep(5000);
                    double s = (System.nanoTime() - started) / 1e9;
                    StringBuilder line = new StringBuilder(String.format("[%s] %d changes (%.0f/s) |", now(), changes.get(), changes.get() / s));
                    JsonNode st = getJson("/ingest/status");
                    if (st == null) {
                        line.append(" ingest status: no answer");
                    } else {
                        for (JsonNode sh : st.path("shards")) {
                            line.append(' ').append(sh.path("shard").asText()).append(' ').append(sh.path("state").asText());
                            if (!sh.path("lagMs").isNull() && !sh.path("lagMs").isMissingNode()) {
                                line.append(" lag ").append(sh.path("lagMs").asLong()).append(" ms");
                            }
                            line.append(", ").append(sh.path("eventsApplied").asLong()).append(" applied");
                            sh.path("backfills").properties().forEach(b -> {
                                if (!b.getValue().asText().startsWith("DONE")) {
                                    line.append(", copy of ").append(b.getKey()).append(' ').append(b.getValue().asText());
                                }
                            });
                            if (!sh.path("lastError").isNull() && !sh.path("lastError").isMissingNode()) {
                                line.append(", error: ").append(sh.path("lastError").asText());
                            }
                            line.append(" |");
                        }
                        line.append(" dead letters ").append(st.path("pendingDeadLetters").asLong()).append(" |");
                    }
                    JsonNode cnt = getJson("/views/friends/count?start=" + user);
                    long sql = sqlCount(port, user);
                    line.append(" user ").append(user).append(" friends: view ")
                            .append(cnt == null ? "?" : cnt.path("counts").path(0).path("count").asText())
                            .append(", SQL ").append(sql);
                    System.out.println(line);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.out.printf("[%s] report failed: %s%n", now(), e);
                }
            }
        }
    }

    /** One connection's share of the workload: the users of one shard with user / shards % threads == slot. */
    static final class Lane implements Runnable {
        final Runner run;
        final int shard;
        final int slot;
        final int laneRate;
        // user -> friend -> soft-deleted?; kept in step with the statements, so most statements hit a row
        final Map<Long, Map<Long, Boolean>> rows = new HashMap<>();
        final List<long[]> removed = new ArrayList<>(); // hard-deleted or moved-away pairs, for re-adds
        final Random r;
        Connection c;

        Lane(Runner run, int shard, int slot, int laneRate) {
            this.run = run;
            this.shard = shard;
            this.slot = slot;
            this.laneRate = laneRate;
            this.r = new Random(seed ^ System.nanoTime() ^ (31L * shard + slot));
        }

        boolean mine(long user) {
            return shardOf(user) == shard && (user / ports.size()) % threads == slot;
        }

        @Override
        public void run() {
            if (java.util.stream.LongStream.rangeClosed(1, users).noneMatch(this::mine)) {
                return; // fewer users than connections: this one has none
            }
            try {
                c = connect(ports.get(shard));
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    // row locks only on the rows a statement changes: lanes side by side never wait on each other's gaps
                    s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
                }
                resync();
                long tickNanos = 100_000_000L;
                long end = seconds > 0 ? run.started + seconds * 1_000_000_000L : Long.MAX_VALUE;
                long tick = 0;
                long done = 0;
                while (!run.stop && System.nanoTime() < end) {
                    tick++;
                    long due = (long) laneRate * tick / 10; // changes due by the end of this tick
                    while (done < due && !run.stop) {
                        try {
                            step(pickUser());
                        } catch (SQLException e) {
                            run.errors.incrementAndGet();
                            c.rollback();
                            resync();
                            System.out.printf("[%s] workload: %s (model reloaded)%n", now(), e.getMessage());
                        }
                        done++;
                        run.changes.incrementAndGet();
                    }
                    c.commit();
                    long sleep = run.started + tick * tickNanos - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
                c.commit();
                c.close();
            } catch (Exception e) {
                System.out.printf("[%s] workload lane %d/%d stopped: %s%n", now(), shard, slot, e);
                run.errors.incrementAndGet();
            }
        }

        /** Skewed: user 1 is the busiest (about 3% of the changes), the tail is quiet; one of this lane's users. */
        long pickUser() {
            while (true) {
                long u = 1 + Math.min(users - 1, (long) (Math.pow(r.nextDouble(), 1.5) * users));
                if (mine(u)) {
                    return u;
                }
            }
        }

        void step(long user) throws SQLException {
            long t = System.currentTimeMillis();
            Map<Long, Boolean> mine = rows.computeIfAbsent(user, k -> new HashMap<>());
            int k = r.nextInt(100);
            if (k < 23) {                                                     // update an active row
                Long f = pick(mine, false);
                if (f != null) {
                    exec(c, "UPDATE friends SET nickname = ?, favorite = NOT favorite, updated_at = ? WHERE user_id = ? AND friend_id = ?",
                            r.nextBoolean() ? null : "nick-" + r.nextInt(1000), t, user, f);
                    run.kinds.get("update").incrementAndGet();
                    return;
                }
            } else if (k < 35) {                                              // soft delete
                Long f = pick(mine, false);
                if (f != null) {
                    exec(c, "UPDATE friends SET status = 'DELETED', updated_at = ? WHERE user_id = ? AND friend_id = ?", t, user, f);
                    mine.put(f, true);
                    run.kinds.get("soft-delete").incrementAndGet();
                    return;
                }
            } else if (k < 45) {                                              // restore a soft-deleted row
                Long f = pick(mine, true);
                if (f != null) {
                    exec(c, "UPDATE friends SET status = 'ACTIVE', updated_at = ? WHERE user_id = ? AND friend_id = ?", t, user, f);
                    mine.put(f, false);
                    run.kinds.get("restore").incrementAndGet();
                    return;
                }
            } else if (k < 60) {                                              // hard delete
                Long f = pick(mine, null);
                if (f != null) {
                    exec(c, "DELETE FROM friends WHERE user_id = ? AND friend_id = ?", user, f);
                    mine.remove(f);
                    forget(user, f);
                    run.kinds.get("hard-delete").incrementAndGet();
                    return;
                }
            } else if (k < 68) {                                              // re-add a removed pair
                for (int i = removed.size() - 1; i >= 0 && i >= removed.size() - 50; i--) {
                    long[] p = removed.get(i);
                    if (!rows.computeIfAbsent(p[0], x -> new HashMap<>()).containsKey(p[1])) {
                        removed.remove(i);
                        insert(p[0], p[1], t);
                        run.kinds.get("re-add").incrementAndGet();
                        return;
                    }
                }
            } else if (k < 80) {                                              // primary-key move
                Long f = pick(mine, null);
                Long to = newFriend(user, mine);
                if (f != null && to != null) {
                    exec(c, "UPDATE friends SET friend_id = ?, updated_at = ? WHERE user_id = ? AND friend_id = ?", to, t, user, f);
                    mine.put(to, mine.remove(f));
                    forget(user, f);
                    run.kinds.get("move").incrementAndGet();
                    return;
                }
            }
            Long f = newFriend(user, mine);                                    // insert (and every fallback)
            if (f == null) {
                f = pick(mine, null);
                if (f == null) {
                    return;
                }
                exec(c, "UPDATE friends SET updated_at = ? WHERE user_id = ? AND friend_id = ?", t, user, f);
                run.kinds.get("update").incrementAndGet();
                return;
            }
            insert(user, f, t);
            run.kinds.get("insert").incrementAndGet();
        }

        void insert(long user, long friend, long t) throws SQLException {
            exec(c, "INSERT INTO friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?)",
                    user, friend, r.nextBoolean() ? null : "nick-" + r.nextInt(1000), r.nextInt(7) == 0, t, t);
            rows.computeIfAbsent(user, k -> new HashMap<>()).put(friend, false);
        }

        void forget(long user, long friend) {
            removed.add(new long[] {user, friend});
            if (removed.size() > 5000) {
                removed.subList(0, 1000).clear();
            }
        }

        /** A random friend of the user: soft-deleted (true), active (false) or either (null). */
        Long pick(Map<Long, Boolean> mine, Boolean deleted) {
            List<Long> xs = new ArrayList<>();
            mine.forEach((f, d) -> {
                if (deleted == null || d.equals(deleted)) {
                    xs.add(f);
                }
            });
            return xs.isEmpty() ? null : xs.get(r.nextInt(xs.size()));
        }

        Long newFriend(long user, Map<Long, Boolean> mine) {
            for (int i = 0; i < 20; i++) {
                long f = 1 + r.nextInt(users);
                if (f != user && !mine.containsKey(f)) {
                    return f;
                }
            }
            return null;
        }

        void resync() throws SQLException {
            rows.clear();
            removed.clear();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT user_id, friend_id, status FROM friends")) {
                while (rs.next()) {
                    if (mine(rs.getLong(1))) {
                        rows.computeIfAbsent(rs.getLong(1), k -> new HashMap<>()).put(rs.getLong(2), "DELETED".equals(rs.getString(3)));
                    }
                }
            }
            c.commit();
        }
    }

    static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    static long sqlCount(int port, long user) throws SQLException {
        try (Connection c = connect(port);
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM friends WHERE user_id = ? AND status <> 'DELETED'")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static JsonNode getJson(String path) {
        try {
            HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 ? JSON.readTree(resp.body()) : null;
        } catch (Exception e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ check

    record Row(long user, long friend, long createdAt) {}

    /** Waits up to 60 s for the view to equal SQL; prints the outcome. */
    static boolean check() throws Exception {
        long t0 = System.nanoTime();
        List<String> diffs = List.of();
        List<Row> active = List.of();
        while (true) {
            active = activeRows();
            diffs = compare(active);
            if (diffs.isEmpty() || System.nanoTime() - t0 > 60_000_000_000L) {
                break;
            }
            Thread.sleep(1000);
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        JsonNode st = getJson("/ingest/status");
        String dead = st == null ? "?" : st.path("pendingDeadLetters").asText();
        if (diffs.isEmpty()) {
            System.out.printf("[%s] check (view vs SQL, equal after %.1f s): OUT and IN counts of users 1..%d, newest-first scans of users 1..5: all agree; "
                    + "%d active rows; %s dead letters%n", now(), waited, users, active.size(), dead);
        } else {
            System.out.printf("[%s] check (view vs SQL, after %.1f s): %d differences; %d active rows; %s dead letters%n", now(), waited,
                    diffs.size(), active.size(), dead);
            diffs.stream().limit(10).forEach(d -> System.out.println("  " + d));
        }
        for (long u = 1; u <= Math.min(5, users); u++) {
            JsonNode cnt = getJson("/views/friends/count?start=" + u);
            System.out.printf("  user %d (shard%d, :%d): view %s, SQL %d%n", u, shardOf(u), ports.get(shardOf(u)),
                    cnt == null ? "?" : cnt.path("counts").path(0).path("count").asText(), sqlCount(ports.get(shardOf(u)), u));
        }
        return diffs.isEmpty();
    }

    static List<Row> activeRows() throws SQLException {
        List<Row> out = new ArrayList<>();
        for (int p : ports) {
            try (Connection c = connect(p); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT user_id, friend_id, created_at FROM friends WHERE status <> 'DELETED'")) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
        }
        return out;
    }

    static List<String> compare(List<Row> active) {
        List<String> diffs = new ArrayList<>();
        Map<Long, Long> out = new TreeMap<>();
        Map<Long, Long> in = new TreeMap<>();
        for (Row r : active) {
            out.merge(r.user(), 1L, Long::sum);
            in.merge(r.friend(), 1L, Long::sum);
        }
        for (String dir : List.of("OUT", "IN")) {
            Map<Long, Long> want = dir.equals("OUT") ? out : in;
            for (long from = 1; from <= users; from += 100) {
                StringBuilder q = new StringBuilder("/views/friends/count?direction=" + dir);
                for (long u = from; u < from + 100 && u <= users; u++) {
                    q.append("&start=").append(u);
                }
                JsonNode got = getJson(q.toString());
                if (got == null) {
                    diffs.add("count " + dir + " from " + from + ": no answer");
                    continue;
                }
                for (JsonNode c : got.path("counts")) {
                    long u = c.path("start").asLong();
                    long w = want.getOrDefault(u, 0L);
                    if (c.path("count").asLong() != w) {
                        diffs.add("user " + u + " " + dir + ": view " + c.path("count").asLong() + ", SQL " + w);
                    }
                }
            }
        }
        for (long u = 1; u <= Math.min(5, users); u++) {
            final long user = u;
            List<Long> want = active.stream().filter(r -> r.user() == user)
                    .sorted(Comparator.comparingLong((Row r) -> -r.createdAt()).thenComparingLong(Row::friend))
                    .map(Row::friend).toList();
            JsonNode got = getJson("/views/friends/scan?start=" + u + "&index=recent&limit=1000");
            List<Long> have = new ArrayList<>();
            if (got != null) {
                got.path("edges").forEach(e -> have.add(e.path("target").asLong()));
            }
            if (!want.equals(have)) {
                diffs.add("user " + u + " newest-first scan: view " + have + ", SQL " + want);
            }
        }
        return diffs;
    }
}
