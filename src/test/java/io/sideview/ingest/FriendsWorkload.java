package io.sideview.ingest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seed's application, simulated: a friends table sharded by user id over MariaDB shards, a
 * random workload of inserts, updates, soft deletes and restores, hard deletes, re-inserts and
 * primary-key moves, and the truth read back with SQL over every shard.
 */
final class FriendsWorkload {
    static final int USERS = 120;
    static final int FRIENDS = 150;

    private final List<MariaDbShard> shards;
    private final Random random;
    private long clock = 1_700_000_000_000L;
    /** Shards a test is taking down (see {@link #shardDown}): no change goes to them meanwhile. */
    private final Set<MariaDbShard> down = ConcurrentHashMap.newKeySet();
    /** Outages begun per shard: a connection opened before the latest one is dropped, never used again. */
    private final Map<MariaDbShard, Integer> outages = new ConcurrentHashMap<>();
    /** Changes made so far by every run, for a test that acts once a run is some way in. */
    private final AtomicLong changesMade = new AtomicLong();

    FriendsWorkload(List<MariaDbShard> shards, long seed) {
        this.shards = shards;
        this.random = new Random(seed);
    }

    MariaDbShard shardOf(long user) {
        return shards.get((int) (user % shards.size()));
    }

    void createSchema(String sql) throws SQLException {
        String code = sql.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b);
        for (MariaDbShard s : shards) {
            for (String stmt : code.split(";")) {
                if (!stmt.isBlank()) {
                    s.execute(stmt.trim());
                }
            }
        }
    }

    /** {@link #run} on another thread, for changes made while something else happens. */
    java.util.concurrent.CompletableFuture<Integer> runAsync(int changes) {
        return runAsync(changes, 0);
    }

    /** {@link #run(int, double)} on another thread. */
    java.util.concurrent.CompletableFuture<Integer> runAsync(int changes, double perSecond) {
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return run(changes, perSecond);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * History beyond the workload's ids, fast (MariaDB's sequence engine): on each shard
     * {@code rowsPerShard} rows of users from {@code firstUser} up, each user on one shard only (an
     * edge lives on one shard), with {@code friendsPerUser} friends from {@code firstFriend} up;
     * every 50th row soft-deleted when {@code someDeleted}.
     */
    void bulkHistory(long firstUser, long firstFriend, int friendsPerUser, int rowsPerShard, boolean someDeleted)
            throws SQLException {
        for (int s = 0; s < shards.size(); s++) {
            shards.get(s).execute("INSERT INTO social.friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at) "
                    + "SELECT " + firstUser + " + " + shards.size() + " * (seq DIV " + friendsPerUser + ") + " + s + ", "
                    + firstFriend + " + seq MOD " + friendsPerUser + ", CONCAT('n', seq MOD 97), seq MOD 2, "
                    + (someDeleted ? "IF(seq MOD 50 = 0, 'DELETED', 'ACTIVE')" : "'ACTIVE'") + ", "
                    + "1600000000000 + seq, 1600000000000 + seq FROM social.seq_0_to_" + (rowsPerShard - 1));
        }
    }

    /**
     * Marks a shard as about to go down: until {@link #shardUp}, running workloads write only to the
     * other shards, and an error from this shard's connection (the server stopping under an open
     * transaction) rolls back the workload's open transactions instead of failing the run. Whatever
     * the stop left committed or not, the truth is read back from SQL afterwards.
     */
    void shardDown(MariaDbShard shard) {
        outages.merge(shard, 1, Integer::sum);
        down.add(shard);
    }

    /** The shard is up again: workloads reconnect to it and write to it again. */
    void shardUp(MariaDbShard shard) {
        down.remove(shard);
    }

    long changesMade() {
        return changesMade.get();
    }

    /** Runs {@code changes} random row changes, in small transactions; returns how many ran. */
    int run(int changes) throws SQLException {
        return run(changes, 0);
    }

    /**
     * The same at a steady {@code perSecond} changes a second (0: as fast as it goes): ingest during
     * a load test. Open transactions are committed before each pause, so the binlog sees the changes
     * at the pace they are made.
     */
    int run(int changes, double perSecond) throws SQLException {
        int done = 0;
        long start = System.nanoTime();
        Map<MariaDbShard, Connection> conns = new HashMap<>();
        Map<MariaDbShard, Integer> openedAt = new HashMap<>();
        try {
            while (done < changes) {
                long ahead = perSecond <= 0 ? 0 : start + (long) (done * 1e9 / perSecond) - System.nanoTime();
                if (ahead > 1_000_000) {
                    for (Connection x : conns.values()) {
                        x.commit();
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(ahead);
                }
                long user = random.nextInt(USERS);
                MariaDbShard shard = shardOf(user);
                // Read before the check: shardDown counts the outage first, then marks the shard down, so a
                // stop that starts after this read always shows as a changed count (read after the check,
                // a stop landing between the two went unseen and its connection error failed the run).
                int outagesBefore = outages.getOrDefault(shard, 0);
                if (down.contains(shard)) {
                    continue;
                }
                try {
                    dropOutaged(conns, openedAt);
                    Connection c = conns.get(shard);
                    if (c == null) {
                        c = openPatiently(shard);
                        conns.put(shard, c);
                        openedAt.put(shard, outagesBefore);
                    }
                    int made = step(c, user);
                    done += made;
                    changesMade.addAndGet(made);
                    if (random.nextInt(5) == 0) {
                        for (Connection x : conns.values()) {
                            x.commit();
                        }
                    }
                } catch (SQLException e) {
                    // Workloads run side by side (ClusterIT) may deadlock: on one shard (1213), or across
                    // two, which neither server sees, so it ends in a lock wait timeout (1205, after the
                    // short wait set above). All of this workload's open transactions are rolled back,
                    // releasing its locks on every shard; the truth read back from SQL reflects it.
                    boolean deadlock = e.getErrorCode() == 1213 || e.getErrorCode() == 1205
                            || e instanceof java.sql.SQLTransactionRollbackException;
                    // A shard taken down under this workload fails its connection: that connection is dropped
                    // (the server rolled back, or committed, what was open there) and the run goes on.
                    boolean outage = dropOutaged(conns, openedAt) || outages.getOrDefault(shard, 0) != outagesBefore;
                    if (!deadlock && !outage) {
                        throw e;
                    }
                    rollbackAll(conns);
                }
            }
            while (true) {
                try {
                    dropOutaged(conns, openedAt);
                    for (Connection x : conns.values()) {
                        x.commit();
                    }
                    break;
                } catch (SQLException e) {
                    if (!dropOutaged(conns, openedAt)) {
                        throw e;
                    }
                }
            }
        } finally {
            for (Connection c : conns.values()) {
                closeQuietly(c);
            }
        }
        return done;
    }

    /** Closes the connections to shards down, or down since they were opened; true if there were any. */
    private boolean dropOutaged(Map<MariaDbShard, Connection> conns, Map<MariaDbShard, Integer> openedAt) {
        boolean dropped = false;
        for (var it = conns.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (down.contains(e.getKey()) || outages.getOrDefault(e.getKey(), 0) != openedAt.get(e.getKey()).intValue()) {
                closeQuietly(e.getValue());
                it.remove();
                dropped = true;
            }
        }
        return dropped;
    }

    /**
     * Opens a connection, retrying a refused one for up to a minute unless the shard is taken down
     * meanwhile. A connection that never opened holds no transaction, so retrying loses nothing; it
     * covers a shard that a test has just started again but that refuses for a moment (seen once in
     * CI, in FaultSuiteIT's shard round, without the outage count having moved).
     */
    private Connection openPatiently(MariaDbShard s) throws SQLException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(1);
        while (true) {
            try {
                return open(s);
            } catch (java.sql.SQLNonTransientConnectionException e) {
                if (down.contains(s) || System.nanoTime() > deadline) {
                    throw e;
                }
                System.err.println("FriendsWorkload: " + s.name() + " refused a connection (" + e.getMessage() + "), retrying");
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
            }
        }
    }

    private static Connection open(MariaDbShard s) throws SQLException {
        Connection c = s.root();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION innodb_lock_wait_timeout = 3");
        }
        return c;
    }

    private static void rollbackAll(Map<MariaDbShard, Connection> conns) throws SQLException {
        for (Connection x : conns.values()) {
            x.rollback();
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // the server went away under it
        }
    }

    private int step(Connection c, long user) throws SQLException {
        long friend = (long) Math.floor(Math.pow(random.nextDouble(), 2) * FRIENDS);
        clock += 1 + random.nextInt(1000);
        int kind = random.nextInt(100);
        if (kind < 35) {
            return exec(c, "INSERT INTO social.friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?) ON DUPLICATE KEY UPDATE status = 'ACTIVE', updated_at = VALUES(updated_at)",
                    user, friend, random.nextBoolean() ? null : "n" + random.nextInt(50), random.nextBoolean(),
                    clock - random.nextInt(100_000), clock);
        } else if (kind < 55) {
            return exec(c, "UPDATE social.friends SET nickname = ?, favorite = NOT favorite, updated_at = ? WHERE user_id = ? AND friend_id = ?",
                    random.nextBoolean() ? null : "m" + random.nextInt(50), clock, user, friend);
        } else if (kind < 65) {
            return exec(c, "UPDATE social.friends SET status = 'DELETED', updated_at = ? WHERE user_id = ? AND friend_id = ?", clock, user, friend);
        } else if (kind < 72) {
            return exec(c, "UPDATE social.friends SET status = 'ACTIVE', updated_at = ? WHERE user_id = ? AND friend_id = ? AND status = 'DELETED'",
                    clock, user, friend);
        } else if (kind < 82) {
            return exec(c, "DELETE FROM social.friends WHERE user_id = ? AND friend_id = ?", user, friend);
        } else if (kind < 92) {
            long to = random.nextInt(FRIENDS);
            // A primary-key move: Debezium delivers it as a delete and an insert.
            return exec(c, "UPDATE IGNORE social.friends SET friend_id = ?, updated_at = ? WHERE user_id = ? AND friend_id = ?",
                    to, clock, user, friend);
        } else {
            // Two changes of one row in one transaction: their versions must still differ and order.
            int a = exec(c, "UPDATE social.friends SET nickname = 'first', updated_at = ? WHERE user_id = ? AND friend_id = ?", clock, user, friend);
            int b = exec(c, "UPDATE social.friends SET nickname = 'second', updated_at = ? WHERE user_id = ? AND friend_id = ?", clock + 1, user, friend);
            return Math.max(1, a + b);
        }
    }

    private static int exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
            return 1;
        }
    }

    /** One active friendship per the source: status not DELETED. */
    record Row(long user, long friend, String nickname, boolean favorite, long createdAt) {}

    List<Row> activeRows() throws SQLException {
        List<Row> out = new ArrayList<>();
        for (MariaDbShard s : shards) {
            try (Connection c = s.root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT user_id, friend_id, nickname, favorite, created_at FROM social.friends "
                            + "WHERE status <> 'DELETED' AND created_at IS NOT NULL AND updated_at IS NOT NULL "
                            // Only the edges of the nodes the checks look at: bulk history beyond them
                            // (a million rows) would not fit a test's heap, and the source verify covers it.
                            + "AND (user_id < " + USERS + " OR friend_id < " + FRIENDS + ")")) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)));
                }
            }
        }
        return out;
    }

    /** Per node, the expected newest-first order: created_at DESC, then the other id ascending. */
    static Map<Long, List<Long>> newestFirst(List<Row> rows, boolean bySource) {
        Map<Long, List<Row>> grouped = new TreeMap<>();
        for (Row r : rows) {
            grouped.computeIfAbsent(bySource ? r.user() : r.friend(), k -> new ArrayList<>()).add(r);
        }
        Map<Long, List<Long>> out = new TreeMap<>();
        grouped.forEach((k, v) -> {
            v.sort(Comparator.comparingLong((Row r) -> -r.createdAt()).thenComparingLong(r -> bySource ? r.friend() : r.user()));
            out.put(k, v.stream().map(r -> bySource ? r.friend() : r.user()).toList());
        });
        return out;
    }
}
