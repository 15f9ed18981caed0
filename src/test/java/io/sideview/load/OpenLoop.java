package io.sideview.load;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Open-loop (constant arrival rate) HTTP GET load, as wrk2 does it: each shape's requests are due at
 * fixed intervals ({@code 1 / rate}) from the start, whatever the answers do, and each latency runs
 * from the request's <em>intended</em> send time to the last byte of its answer. A request that waits
 * because the service (or every connection) is busy therefore counts its wait: the queueing delay a
 * closed loop hides by sending less when the service slows down (coordinated omission).
 *
 * <p>One scheduler thread (the caller) puts each request on a queue at its due time; {@code
 * connections} worker threads, each with its own keep-alive connection, take them in order. An
 * answer that is not 2xx, an I/O failure, or no answer within {@code timeoutMillis} of the intended
 * time is an error; errors are not in the latency histogram. The run is bounded: the schedule ends
 * after {@code seconds}, and requests still queued or in flight then get at most the timeout.
 */
public final class OpenLoop {
    /**
     * A kind of request: its name, its arrival rate (requests/s), its path (drawn on the scheduler
     * thread), and who sees the path and body of its 2xx answers (may be null; called on the workers).
     */
    public record Shape(String name, double rate, Function<SplittableRandom, String> path,
                        BiConsumer<String, String> onBody) {}

    /**
     * What one shape got. Latencies in microseconds; {@code queued}: intended time to actual send;
     * {@code late}: how late the scheduler put requests on the queue (the load tool's own delay, e.g.
     * when it gets no CPU: a large one means the figures are partly the tool's).
     */
    public record Stats(String name, double targetRate, long scheduled, long ok, long errors, String firstError,
                        double seconds, Histogram latency, Histogram queued, Histogram late) {
        /** Answers (2xx or not) per second of the schedule. */
        public double achievedRate() {
            return (ok + errors) / seconds;
        }

        public double ms(double percentile) {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
        }

        public double maxMs() {
            return latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1000.0;
        }
    }

    private record Request(int shape, long intended, String path) {}

    private static final Request STOP = new Request(-1, 0, null);
    private static final long HIGHEST_MICROS = 3_600_000_000L;

    private OpenLoop() {}

    public static List<Stats> run(String host, int port, List<Shape> shapes, double seconds, int connections,
                                  int timeoutMillis) throws InterruptedException {
        int n = shapes.size();
        Histogram[] latency = new Histogram[n];
        Histogram[] queued = new Histogram[n];
        Histogram[] late = new Histogram[n];
        AtomicLong[] ok = new AtomicLong[n];
        AtomicLong[] errors = new AtomicLong[n];
        List<AtomicReference<String>> firstError = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            // Synchronized: workers record into the shape's histogram directly; at a steady load of a few
            // hundred requests per second the lock is never contended for long.
            latency[s] = new SynchronizedHistogram(HIGHEST_MICROS, 3);
            queued[s] = new SynchronizedHistogram(HIGHEST_MICROS, 3);
            late[s] = new Histogram(HIGHEST_MICROS, 3); // the scheduler thread's only
            ok[s] = new AtomicLong();
            errors[s] = new AtomicLong();
            firstError.add(new AtomicReference<>());
        }
        LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Thread[] workers = new Thread[connections];
        for (int w = 0; w < connections; w++) {
            workers[w] = new Thread(() -> {
                try (HttpConn conn = new HttpConn(host, port)) {
                    for (Request r = queue.take(); r != STOP; r = queue.take()) {
                        String error = send(conn, r, shapes.get(r.shape()), timeoutNanos, latency[r.shape()], queued[r.shape()]);
                        if (error == null) {
                            ok[r.shape()].incrementAndGet();
                        } else {
                            errors[r.shape()].incrementAndGet();
                            firstError.get(r.shape()).compareAndSet(null, error + " on " + r.path());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "open-loop-" + w);
            workers[w].setDaemon(true);
            workers[w].start();
        }

        // The schedule: request k of shape s is due at start + k / rate_s. Due times are computed from k,
        // not by adding intervals, so they never drift; a scheduler that wakes late sends what is due at
        // once, still stamped with the times they were due.
        SplittableRandom[] random = new SplittableRandom[n];
        long[] sent = new long[n];
        double[] period = new double[n];
        for (int s = 0; s < n; s++) {
            random[s] = new SplittableRandom(1000L + s);
            period[s] = 1e9 / shapes.get(s).rate();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (true) {
            int next = -1;
            long due = Long.MAX_VALUE;
            for (int s = 0; s < n; s++) {
                long t = start + (long) (sent[s] * period[s]);
                if (t < end && t < due) {
                    due = t;
                    next = s;
                }
            }
            if (next < 0) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue; // parkNanos may return early: look again
            }
            late[next].recordValue(Math.max(0, (System.nanoTime() - due) / 1000));
            queue.add(new Request(next, due, shapes.get(next).path().apply(random[next])));
            sent[next]++;
        }
        for (int w = 0; w < connections; w++) {
            queue.add(STOP);
        }
        // Whatever was queued or in flight at the end has the timeout to finish; then the workers are
        // abandoned (daemon threads), and what they had not answered is counted as an error below.
        long drainUntil = System.nanoTime() + timeoutNanos + TimeUnit.SECONDS.toNanos(2);
        for (Thread t : workers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainUntil - System.nanoTime())));
        }
        List<Stats> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            long unanswered = sent[s] - ok[s].get() - errors[s].get();
            if (unanswered > 0) {
                firstError.get(s).compareAndSet(null, unanswered + " requests not answered when the run ended");
            }
            out.add(new Stats(shapes.get(s).name(), shapes.get(s).rate(), sent[s], ok[s].get(),
                    errors[s].get() + Math.max(0, unanswered), firstError.get(s).get(), seconds, latency[s], queued[s], late[s]));
        }
        return out;
    }

    /** Sends one request on {@code conn}; null when answered 2xx in time, else what went wrong. */
    private static String send(HttpConn conn, Request r, Shape shape, long timeoutNanos, Histogram latency,
                               Histogram queued) {
        long now = System.nanoTime();
        long left = r.intended() + timeoutNanos - now;
        if (left <= 0) {
            return "timeout (queued " + TimeUnit.NANOSECONDS.toMillis(now - r.intended()) + " ms before a connection was free)";
        }
        queued.recordValue(Math.max(0, (now - r.intended()) / 1000));
        try {
            conn.timeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            byte[] body = conn.get(r.path());
            long done = System.nanoTime();
            if (conn.status < 200 || conn.status > 299) {
                return "HTTP " + conn.status;
            }
            if (done - r.intended() > timeoutNanos) {
                return "timeout (answered after " + TimeUnit.NANOSECONDS.toMillis(done - r.intended()) + " ms)";
            }
            latency.recordValue(Math.max(1, (done - r.intended()) / 1000));
            if (shape.onBody() != null) {
                shape.onBody().accept(r.path(), new String(body, StandardCharsets.UTF_8));
            }
            return null;
        } catch (SocketTimeoutException e) {
            return "timeout (no answer)";
        } catch (IOException | RuntimeException e) {
            // RuntimeException: an answer HttpConn cannot parse; the worker goes on with the next request.
            return e.toString();
        }
    }

    /** The scheduler's lateness over every shape: p99 and max, in milliseconds. */
    public static String lateness(List<Stats> stats) {
        Histogram all = new Histogram(HIGHEST_MICROS, 3);
        stats.forEach(s -> all.add(s.late()));
        return String.format(Locale.ROOT, "p99 %.2f ms, max %.2f ms", all.getValueAtPercentile(99) / 1000.0,
                all.getMaxValue() / 1000.0);
    }

    /** A Markdown table of the stats, one row per shape, latencies in milliseconds. */
    public static String table(List<Stats> stats) {
        StringBuilder b = new StringBuilder();
        b.append("| shape | target /s | achieved /s | requests | errors | p50 ms | p99 ms | p99.9 ms | max ms | queued p99 ms |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Stats s : stats) {
            b.append(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %,d | %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                    s.name(), s.targetRate(), s.achievedRate(), s.scheduled(), s.errors(), s.ms(50), s.ms(99),
                    s.ms(99.9), s.maxMs(), s.queued().getTotalCount() == 0 ? Double.NaN
                            : s.queued().getValueAtPercentile(99) / 1000.0));
        }
        return b.toString();
    }
}
