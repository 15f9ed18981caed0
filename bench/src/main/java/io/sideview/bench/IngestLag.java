package io.sideview.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sideview.load.HttpConn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The ingest benchmark's end-to-end lag: under a steady background load (the same generator, on
 * other users), commits a marker row every interval and measures commit on the shard → visible
 * through the query API, into an HdrHistogram.
 */
final class IngestLag {
    static final String EDGE = "/api/v1/views/friends/edge";
    static final long MARKER_BASE = 3_000_000_000L;

    private IngestLag() {}

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
        List<FriendsLoad> loads = IngestBench.startLoads(ports, backgroundRate, IngestBench.LAG_USER_OFFSET, 11);
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
        long bgStart = IngestBench.committed(loads);
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
        long bg = IngestBench.committed(loads) - bgStart;
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
