package io.sideview.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The ingest benchmark's two measurements against a running Sideview that captures the friends
 * table of the throwaway shards (bench/ingest.sh sets all of it up):
 * <ul>
 *   <li>{@code throughput}: drives the shards at a target rate and samples, every second, how many
 *   changes the service has applied (ingest status, or the WAL consumer group's committed offsets
 *   with wal kafka), so the report shows the sustained applied rate and whether the backlog stayed
 *   bounded;</li>
 *   <li>{@code lag}: under a steady background load, commits marker rows and polls the query API
 *   until each one is visible; the commit-to-visible times go into an HdrHistogram.</li>
 * </ul>
 */
final class IngestBench {
    static final String EDGE = "/api/v1/views/friends/edge";
    /** Users 1..USERS_PER_SHARD*shards are the throughput pool; the lag phase's background uses others. */
    static final int USERS_PER_SHARD = 2_500;
    static final long LAG_USER_OFFSET = 1_000_000;
    static final long MARKER_BASE = 3_000_000_000L;

    private IngestBench() {}

    static List<FriendsLoad> startLoads(int[] ports, double rate, long userOffset, long seed) {
        List<FriendsLoad> loads = new ArrayList<>();
        for (int s = 0; s < ports.length; s++) {
            FriendsLoad l = new FriendsLoad(ports[s], s, ports.length, USERS_PER_SHARD, userOffset, rate / ports.length, seed + s);
            Thread t = new Thread(l, "load-shard" + s);
            t.setDaemon(true);
            t.start();
            loads.add(l);
        }
        return loads;
    }

    static long committed(List<FriendsLoad> loads) {
        long n = 0;
        for (FriendsLoad l : loads) {
            if (l.error != null) {
                throw new IllegalStateException("workload failed: " + l.error);
            }
            n += l.committed.get();
        }
        return n;
    }

    /** What the service has applied so far, and (wal kafka) what it has published to the WAL. */
    static final class Applied implements AutoCloseable {
        private final HttpConn http;
        private final Admin admin;
        private final String group;
        private final int sides;
        long status;       // sum of eventsApplied over the shards (wal kafka: published to the WAL)
        long walRecords;   // wal kafka: WAL records committed by the consumer group (one per kept side)
        long backlogEvents;

        Applied(int apiPort, String kafka, String group, int sides) {
            this.http = new HttpConn("127.0.0.1", apiPort);
            this.sides = sides;
            this.group = group;
            if (kafka == null || kafka.equals("-")) {
                admin = null;
            } else {
                Properties p = new Properties();
                p.put("bootstrap.servers", kafka);
                admin = Admin.create(p);
            }
        }

        /** Changes applied to view storage: status counter (wal none) or WAL records committed / sides. */
        long applied() {
            return admin == null ? status : walRecords / sides;
        }

        void sample() throws Exception {
            JsonNode st = Bench.JSON.readTree(http.get("/api/v1/ingest/status"));
            long s = 0;
            long b = 0;
            for (JsonNode sh : st.path("shards")) {
                s += sh.path("eventsApplied").asLong();
                b += sh.path("lagEvents").asLong();
            }
            status = s;
            backlogEvents = b;
            if (admin != null) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                long w = 0;
                for (OffsetAndMetadata o : offsets.values()) {
                    w += o == null ? 0 : o.offset();
                }
                walRecords = w;
            }
        }

        @Override
        public void close() {
            http.close();
            if (admin != null) {
                admin.close();
            }
        }
    }

    /** Waits until the applied count has not moved for {@code quietSeconds}; returns it. */
    static long awaitQuiet(Applied a, int quietSeconds, int maxSeconds) throws Exception {
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        a.sample();
        long last = a.applied();
        long lastPublished = a.status;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            a.sample();
            if (a.applied() != last || a.status != lastPublished) {
                last = a.applied();
                lastPublished = a.status;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > quietSeconds * 1_000_000_000L) {
                break;
            }
        }
        return last;
    }

    // ---------------------------------------------------------------- throughput

    static void throughput(int apiPort, int[] ports, double rate, double warmup, double duration, String kafka,
                           String group, int sides, int drainSeconds, Path out) throws Exception {
        try (Applied a = new Applied(apiPort, kafka, group, sides)) {
            long base = awaitQuiet(a, 2, 60);
            long basePublished = a.status;
            List<FriendsLoad> loads = startLoads(ports, rate, 0, 7);
            long start = System.nanoTime();
            ArrayNode samples = Bench.JSON.createArrayNode();
            long end = start + (long) ((warmup + duration) * 1e9);
            long next = start;
            while (true) {
                next += 1_000_000_000L;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                a.sample();
                double t = (System.nanoTime() - start) / 1e9;
                long c = committed(loads);
                ObjectNode s = samples.addObject();
                s.put("t", Math.round(t * 1000) / 1000.0);
                s.put("committed", c);
                s.put("applied", a.applied() - base);
                s.put("published", a.status - basePublished);
                if (next >= end) {
                    break;
                }
                if ((long) t % 10 == 0) {
                    System.out.printf("  t=%3.0f s: committed %,d  applied %,d  backlog %,d%n", t, c, a.applied() - base,
                            c - (a.applied() - base));
                }
            }
            loads.forEach(FriendsLoad::stop);
            Thread.sleep(200);
            long committed = committed(loads);
            long stopAt = System.nanoTime();
            // Drain: how long until everything committed is applied (bounded).
            double drain = -1;
            while (System.nanoTime() - stopAt < drainSeconds * 1_000_000_000L) {
                a.sample();
                if (a.applied() - base >= committed) {
                    drain = (System.nanoTime() - stopAt) / 1e9;
                    break;
                }
                Thread.sleep(200);
            }
            a.sample();
            ObjectNode r = Bench.JSON.createObjectNode();
            r.put("targetRate", rate);
            r.put("warmup", warmup);
            r.put("duration", duration);
            r.put("shards", ports.length);
            r.put("committedTotal", committed);
            r.put("appliedTotal", a.applied() - base);
            r.put("publishedTotal", a.status - basePublished);
            r.put("drainSeconds", drain);
            r.put("drainLimit", drainSeconds);
            long tx = 0;
            long[] kinds = new long[FriendsLoad.KIND_NAMES.length];
            for (FriendsLoad l : loads) {
                tx += l.transactions.get();
                for (int k = 0; k < kinds.length; k++) {
                    kinds[k] += l.kinds[k];
                }
            }
            r.put("transactions", tx);
            ObjectNode k = r.putObject("kinds");
            for (int i = 0; i < kinds.length; i++) {
                k.put(FriendsLoad.KIND_NAMES[i], kinds[i]);
            }
            r.set("samples", samples);
            Files.writeString(out, Bench.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
            System.out.printf("  stopped: committed %,d, applied %,d, drained in %s%n", committed, a.applied() - base,
                    drain < 0 ? "(not within " + drainSeconds + " s)" : String.format("%.1f s", drain));
        }
    }

    // ---------------------------------------------------------------- end-to-end lag

    private static void poll(int apiPort, java.util.concurrent.ConcurrentSkipListMap<Long, Long> outstanding,
                             java.util.concurrent.atomic.AtomicBoolean probing, Histogram lagUs, AtomicLong timeouts,
                             AtomicLong polls) {
        try (HttpConn c = new HttpConn("127.0.0.1", apiPort)) {
            while (probing.get()) {
                Thread.sleep(5);
                if (outstanding.isEmpty()) {
                    continue;
                }
                StringBuilder path = new StringBuilder(EDGE).append("?target=7");
                int n = 0;
                for (Map.Entry<Long, Long> m : outstanding.entrySet()) {
                    if (System.nanoTime() - m.getValue() > 30_000_000_000L) {
                        outstanding.remove(m.getKey());
                        timeouts.incrementAndGet();
                        continue;
                    }
                    path.append("&source=").append(m.getKey());
                    if (++n == 100) {
                        break;
                    }
                }
                if (n == 0) {
                    continue;
                }
                byte[] body = c.get(path.toString());
                long now = System.nanoTime();
                polls.incrementAndGet();
                if (c.status != 200) {
                    continue;
                }
                for (JsonNode e : Bench.JSON.readTree(body).path("edges")) {
                    Long t0 = outstanding.remove(e.path("source").asLong());
                    if (t0 != null) {
                        lagUs.recordValue(Math.min((now - t0) / 1000, lagUs.getHighestTrackableValue()));
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("lag poller failed", e);
        }
    }

    static void lag(int apiPort, int[] ports, double backgroundRate, double settle, double duration, int intervalMs,
                    Path out) throws Exception {
        List<FriendsLoad> loads = startLoads(ports, backgroundRate, LAG_USER_OFFSET, 11);
        Thread.sleep((long) (settle * 1000));
        List<Connection> conns = new ArrayList<>();
        List<PreparedStatement> inserts = new ArrayList<>();
        for (int p : ports) {
            Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + p + "/social", "root", "");
            c.setAutoCommit(false);
            conns.add(c);
            inserts.add(c.prepareStatement("INSERT INTO friends (user_id, friend_id, status, created_at, updated_at) VALUES (?, 7, 'ACTIVE', ?, ?)"));
        }
        Histogram lagUs = new Histogram(60_000_000L, 3);
        AtomicLong timeouts = new AtomicLong();
        AtomicLong polls = new AtomicLong();
        // Outstanding markers (user id -> nanoTime of the commit), polled by one thread in multi-get
        // requests of up to 100 markers every 5 ms: a constant, light read load, whatever the lag is
        // (a poller per marker would hammer the service exactly when it falls behind).
        java.util.concurrent.ConcurrentSkipListMap<Long, Long> outstanding = new java.util.concurrent.ConcurrentSkipListMap<>();
        java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread poller = new Thread(() -> poll(apiPort, outstanding, probing, lagUs, timeouts, polls), "lag-poller");
        poller.start();
        long bgStart = committed(loads);
        long start = System.nanoTime();
        long end = start + (long) (duration * 1e9);
        long seq = 0;
        while (System.nanoTime() < end) {
            long due = start + seq * intervalMs * 1_000_000L;
            long sleep = due - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
            int s = (int) (seq % ports.length);
            long user = MARKER_BASE + seq;
            PreparedStatement ps = inserts.get(s);
            ps.setLong(1, user);
            ps.setLong(2, System.currentTimeMillis());
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
            // The clock starts right before the commit: the marker exists for readers of the shard from then.
            long t0 = System.nanoTime();
            conns.get(s).commit();
            outstanding.put(user, t0);
            seq++;
        }
        double bgSeconds = (System.nanoTime() - start) / 1e9;
        long bg = committed(loads) - bgStart;
        long waitUntil = System.nanoTime() + 35_000_000_000L;
        while (!outstanding.isEmpty() && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        probing.set(false);
        poller.join();
        loads.forEach(FriendsLoad::stop);
        for (Connection c : conns) {
            c.close();
        }
        ObjectNode r = Bench.JSON.createObjectNode();
        r.put("backgroundRate", backgroundRate);
        r.put("backgroundMeasured", bg / bgSeconds);
        r.put("duration", duration);
        r.put("intervalMs", intervalMs);
        r.put("markers", seq);
        r.put("visible", lagUs.getTotalCount());
        r.put("timeouts", timeouts.get());
        r.put("polls", polls.get());
        for (double p : new double[] {50, 90, 99, 99.9}) {
            r.put("p" + (p == 99.9 ? "999" : String.valueOf((int) p)), lagUs.getValueAtPercentile(p) / 1000.0);
        }
        r.put("min", lagUs.getMinValue() / 1000.0);
        r.put("max", lagUs.getMaxValue() / 1000.0);
        r.put("mean", lagUs.getMean() / 1000.0);
        Files.writeString(out, Bench.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        System.out.printf("  %d markers, %d visible, %d timeouts; lag p50 %.1f ms, p99 %.1f ms, max %.1f ms (background %.0f changes/s)%n",
                seq, lagUs.getTotalCount(), timeouts.get(), lagUs.getValueAtPercentile(50) / 1000.0,
                lagUs.getValueAtPercentile(99) / 1000.0, lagUs.getMaxValue() / 1000.0, bg / bgSeconds);
    }
}
