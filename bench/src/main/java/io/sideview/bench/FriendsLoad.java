package io.sideview.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one shard's {@code social.friends} table at a target rate with batched multi-row
 * transactions: inserts, updates, soft deletes (status = 'DELETED'), restores, hard deletes and
 * re-inserts of hard-deleted pairs. The pairs come from a fixed pool whose state (absent, active,
 * soft-deleted) is kept here, and this thread is the shard's only writer, so every statement
 * changes exactly one row: the count of changes committed is exact without asking the server.
 * Every update sets a new {@code updated_at}, so no update is a no-op that the binlog would skip.
 */
final class FriendsLoad implements Runnable {
    static final int FRIENDS_PER_USER = 20;
    private static final byte ABSENT = 0;
    private static final byte ACTIVE = 1;
    private static final byte SOFT = 2;

    private final int port;
    private final int shard;
    private final int shards;
    private final int usersPerShard;
    private final long userOffset;
    private final byte[] state;
    private final boolean[] seen;
    private final SplittableRandom random;
    private volatile double rate;
    private volatile boolean stop;
    private long stamp = System.currentTimeMillis();

    /** Changes committed (rows), transactions committed, and per kind. */
    final AtomicLong committed = new AtomicLong();
    final AtomicLong transactions = new AtomicLong();
    final long[] kinds = new long[6];
    static final String[] KIND_NAMES = {"insert", "re-insert", "update", "soft-delete", "restore", "hard-delete"};
    volatile String error;

    FriendsLoad(int port, int shard, int shards, int usersPerShard, long userOffset, double rate, long seed) {
        this.userOffset = userOffset;
        this.port = port;
        this.shard = shard;
        this.shards = shards;
        this.usersPerShard = usersPerShard;
        this.state = new byte[usersPerShard * FRIENDS_PER_USER];
        this.seen = new boolean[state.length];
        this.random = new SplittableRandom(seed);
        this.rate = rate;
    }

    void rate(double changesPerSecond) {
        rate = changesPerSecond;
    }

    void stop() {
        stop = true;
    }

    /** User id of pair i: users of this shard are the ids with id % shards == shard. */
    private long user(int i) {
        return (userOffset + i / FRIENDS_PER_USER + 1) * shards + shard;
    }

    private long friend(int i) {
        long total = (long) (usersPerShard + 1) * shards;
        long step = total / FRIENDS_PER_USER + 1;
        long u = user(i);
        long f = userOffset * shards + 1 + Math.floorMod(u * 31 + (i % FRIENDS_PER_USER) * step, total);
        return f == u ? u + shards * (usersPerShard + 2L) : f; // never a self-loop
    }

    @Override
    public void run() {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/social?useBulkStmts=true", "root", "")) {
            c.setAutoCommit(false);
            PreparedStatement insert = c.prepareStatement("INSERT INTO friends (user_id, friend_id, nickname, favorite, status, created_at, updated_at) VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?)");
            PreparedStatement update = c.prepareStatement("UPDATE friends SET nickname = ?, favorite = ?, updated_at = ? WHERE user_id = ? AND friend_id = ?");
            PreparedStatement soft = c.prepareStatement("UPDATE friends SET status = 'DELETED', updated_at = ? WHERE user_id = ? AND friend_id = ?");
            PreparedStatement restore = c.prepareStatement("UPDATE friends SET status = 'ACTIVE', updated_at = ? WHERE user_id = ? AND friend_id = ?");
            PreparedStatement delete = c.prepareStatement("DELETE FROM friends WHERE user_id = ? AND friend_id = ?");
            PreparedStatement[] byKind = {insert, insert, update, soft, restore, delete};
            int[] pending = new int[6];
            long start = System.nanoTime();
            double due = 0;
            long last = start;
            while (!stop) {
                long now = System.nanoTime();
                due += rate * (now - last) / 1e9;
                last = now;
                long behind = (long) due - committed.get();
                // About 50 transactions per second per shard; catch up with bigger ones when late.
                int least = (int) Math.min(500, Math.max(1, rate / 50));
                if (behind < least) {
                    Thread.sleep(2);
                    continue;
                }
                int batch = (int) Math.min(Math.max(least, behind), Math.min(2_000, state.length / 4));
                java.util.BitSet used = new java.util.BitSet(state.length);
                java.util.Arrays.fill(pending, 0);
                for (int n = 0; n < batch; n++) {
                    int i = random.nextInt(state.length);
                    while (used.get(i)) {
                        i = random.nextInt(state.length);
                    }
                    used.set(i);
                    int kind = next(i);
                    bind(byKind[kind], kind, i);
                    byKind[kind].addBatch();
                    pending[kind]++;
                }
                // Pairs are distinct within a transaction, so the statement groups commute.
                // Inserts and re-inserts share one statement (kinds 0 and 1).
                if (pending[0] + pending[1] > 0) {
                    insert.executeBatch();
                }
                for (int k = 2; k < 6; k++) {
                    if (pending[k] > 0) {
                        byKind[k].executeBatch();
                    }
                }
                c.commit();
                for (int k = 0; k < 6; k++) {
                    kinds[k] += pending[k];
                }
                transactions.incrementAndGet();
                committed.addAndGet(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            error = "shard " + shard + ": " + e;
        }
    }

    /** Picks what happens to pair i from its state, and moves the state. */
    private int next(int i) {
        int r = random.nextInt(100);
        switch (state[i]) {
            case ABSENT -> {
                state[i] = ACTIVE;
                boolean again = seen[i];
                seen[i] = true;
                return again ? 1 : 0;
            }
            case ACTIVE -> {
                if (r < 50) {
                    return 2;
                }
                if (r < 75) {
                    state[i] = SOFT;
                    return 3;
                }
                state[i] = ABSENT;
                return 5;
            }
            default -> {
                if (r < 60) {
                    state[i] = ACTIVE;
                    return 4;
                }
                state[i] = ABSENT;
                return 5;
            }
        }
    }

    private void bind(PreparedStatement ps, int kind, int i) throws SQLException {
        long t = ++stamp;
        long u = user(i);
        long f = friend(i);
        switch (kind) {
            case 0, 1 -> {
                ps.setLong(1, u);
                ps.setLong(2, f);
                ps.setString(3, random.nextBoolean() ? null : "nick-" + random.nextInt(1000));
                ps.setBoolean(4, random.nextInt(7) == 0);
                ps.setLong(5, t);
                ps.setLong(6, t);
            }
            case 2 -> {
                ps.setString(1, random.nextBoolean() ? null : "nick-" + random.nextInt(1000));
                ps.setBoolean(2, random.nextBoolean());
                ps.setLong(3, t);
                ps.setLong(4, u);
                ps.setLong(5, f);
            }
            case 3, 4 -> {
                ps.setLong(1, t);
                ps.setLong(2, u);
                ps.setLong(3, f);
            }
            default -> {
                ps.setLong(1, u);
                ps.setLong(2, f);
            }
        }
    }
}
