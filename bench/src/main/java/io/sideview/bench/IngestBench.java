package io.sideview.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sideview.load.HttpConn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The ingest benchmark's two measurements against a running Sideview that captures the friends
 * table of the throwaway shards (bench/ingest.sh sets all of it up):
 * <ul>
 *   <li>{@code throughput} (here): drives the shards at a target rate and samples, every second, how many
 *   changes the service has applied (ingest status, or the WAL consumer group's committed offsets
 *   with wal kafka), so the report shows the sustained applied rate and whether the backlog stayed
 *   bounded;</li>
 *   <li>{@code lag} ({@link IngestLag}): marker rows committed under a steady load, polled through
 *   the query API until visible.</li>
 * </ul>
 */
final class IngestBench {
    /** Users 1..USERS_PER_SHARD*shards are the throughput pool; the lag phase's background uses others. */
    static final int USERS_PER_SHARD = 2_500;
    static final long LAG_USER_OFFSET = 1_000_000;

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
                           String group, int sides, int drainSeconds, Path out, long userOffset) throws Exception {
        try (Applied a = new Applied(apiPort, kafka, group, sides)) {
            long base = awaitQuiet(a, 2, 60);
            long basePublished = a.status;
            // userOffset: a run on shards an earlier run filled (a --max step) writes other users' rows.
            List<FriendsLoad> loads = startLoads(ports, rate, userOffset, 7 + userOffset);
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
}
