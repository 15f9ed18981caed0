package io.sideview.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;

/**
 * Heap and thread count of a running service, read from its admin port: the Dropwizard gauges
 * {@code jvm.memory.heap.used} and {@code jvm.threads.count} of {@code GET /metrics}. With {@code
 * gc}, the heap is read right after the built-in admin task {@code POST /tasks/gc} (System.gc():
 * a full, stop-the-world collection under the default G1), so it is the live set, not whatever
 * garbage the last young collection left; without, it is a plain reading (cheap enough to take
 * every few seconds during a run without disturbing it).
 */
public final class ServiceGauges implements AutoCloseable {
    /** What the service's collectors did between two readings (the later one taken before any forced GC). */
    public static String gcBetween(Sample from, Sample to) {
        return String.format(Locale.ROOT, "%d collections, %d ms in all", to.gcCount() - from.gcCount(),
                to.gcMillis() - from.gcMillis());
    }

    /** {@link #notFlat}'s rule, for reports. */
    public static final String FLAT_RULE = "live heap at most 1.5 x start + 16 MiB, threads at most 1.25 x start + 16";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIB = 1024 * 1024;

    /**
     * One reading; {@code afterGc}: heap is the live set. {@code gcCount} and {@code gcMillis}: the
     * collections since the service started and their time, over every collector (jvm.gc.*).
     */
    public record Sample(double seconds, long heapUsed, long threads, boolean afterGc, long gcCount, long gcMillis) {
        public String describe() {
            return String.format(Locale.ROOT, "heap used %d MiB%s, %d threads", heapUsed / MIB,
                    afterGc ? " after a full GC" : "", threads);
        }
    }

    private final HttpConn admin;
    private final long t0 = System.nanoTime();

    public ServiceGauges(String host, int adminPort) {
        this.admin = new HttpConn(host, adminPort);
    }

    public synchronized Sample sample(boolean gc) throws IOException {
        if (gc) {
            admin.post("/tasks/gc", new byte[0]);
            if (admin.status != 200) {
                throw new IOException("POST /tasks/gc answered " + admin.status);
            }
        }
        byte[] body = admin.get("/metrics");
        if (admin.status != 200) {
            throw new IOException("GET /metrics answered " + admin.status);
        }
        JsonNode gauges = JSON.readTree(body).path("gauges");
        long gcCount = 0;
        long gcMillis = 0;
        for (var it = gauges.fields(); it.hasNext(); ) {
            var g = it.next();
            if (g.getKey().startsWith("jvm.gc.") && g.getKey().endsWith(".count")) {
                gcCount += g.getValue().path("value").asLong();
            } else if (g.getKey().startsWith("jvm.gc.") && g.getKey().endsWith(".time")) {
                gcMillis += g.getValue().path("value").asLong();
            }
        }
        return new Sample((System.nanoTime() - t0) / 1e9, gauges.path("jvm.memory.heap.used").path("value").asLong(),
                gauges.path("jvm.threads.count").path("value").asLong(), gc, gcCount, gcMillis);
    }

    /**
     * Null when the end is flat against the start (both after a full GC), else why not. Flat means
     * bounded, not growing with the work done:
     * <ul>
     *   <li>live heap: end at most 1.5 x start + 16 MiB. A live set of 50-100 MiB moves by a few MiB
     *   between two full GCs as caches and buffers fill; a leak of 100 bytes a request at a few
     *   hundred requests/s over 10 minutes (tens of MiB) or anything kept per change is caught;</li>
     *   <li>threads: end at most 1.25 x start + 16. Jetty's request pool grows and shrinks with how
     *   many requests happen to overlap (bounded by the load tool's connections) and sheds idle
     *   threads only one a minute; a thread left behind per request, connection or change would add
     *   thousands.</li>
     * </ul>
     */
    public static String notFlat(Sample start, Sample end) {
        StringBuilder why = new StringBuilder();
        long heapLimit = (long) (start.heapUsed() * 1.5) + 16 * MIB;
        if (end.heapUsed() > heapLimit) {
            why.append(String.format(Locale.ROOT, "live heap grew from %d to %d MiB (flat: at most %d); ",
                    start.heapUsed() / MIB, end.heapUsed() / MIB, heapLimit / MIB));
        }
        long threadLimit = (long) (start.threads() * 1.25) + 16;
        if (end.threads() > threadLimit) {
            why.append(String.format(Locale.ROOT, "threads grew from %d to %d (flat: at most %d); ",
                    start.threads(), end.threads(), threadLimit));
        }
        return why.isEmpty() ? null : why.toString();
    }

    @Override
    public void close() {
        admin.close();
    }
}
