package io.sideview.bench;

import io.sideview.load.FriendsShapes;
import io.sideview.load.OpenLoop;
import io.sideview.load.ServiceGauges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The load suite's long variant (bench/load.sh sets up the shards and the service): the same load
 * code as LoadSuiteIT, at bench rates. {@link FriendsLoad} writers change the shards' rows at a
 * steady rate during the whole run (after a prefill at a higher rate, so queries meet a populated
 * view); every query shape of {@link FriendsShapes} is asked at a constant arrival rate by {@link
 * OpenLoop}; heap after a full GC and thread count are read at the start and end of the measured
 * window ({@link ServiceGauges}), and heap (without GC), threads, RSS and the ingest backlog every
 * {@code sampleSeconds} in between. Writes a Markdown report; exits 3 when a verdict fails (ERROR
 * lines the service logs from {@code logFrom} on count as a failure too).
 */
final class LoadRun {
    private static final long MIB = 1024 * 1024;

    private record Row(double t, ServiceGauges.Sample gauges, long rssKib, long committed, long applied) {}

    private LoadRun() {}

    static int run(int api, int admin, long pid, int[] shardPorts, double ratePerShape, double ingestRate,
                   long prefill, double warmup, double measure, int connections, double sampleSeconds,
                   int timeoutMillis, Path serviceLog, long logFrom, Path out) throws Exception {
        FriendsShapes shapes = new FriendsShapes("friends", (IngestBench.USERS_PER_SHARD + 1L) * shardPorts.length,
                (IngestBench.USERS_PER_SHARD + 1L) * shardPorts.length + 1);
        try (IngestBench.Applied applied = new IngestBench.Applied(api, "-", null, 2);
             ServiceGauges gauges = new ServiceGauges("127.0.0.1", admin)) {
            applied.sample();
            long base = applied.applied();
            // Prefill at up to 4,000 changes/s, then the steady rate; wait until the service is less than a
            // second of changes behind, so the window starts from a populated view and a drained backlog.
            double prefillRate = prefill > 0 ? Math.max(ingestRate, 4000) : ingestRate;
            List<FriendsLoad> loads = IngestBench.startLoads(shardPorts, prefillRate, 0, 11);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (IngestBench.committed(loads) < prefill && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            loads.forEach(l -> l.rate(ingestRate / shardPorts.length));
            do {
                Thread.sleep(500);
                applied.sample();
            } while (IngestBench.committed(loads) - (applied.applied() - base) > ingestRate && System.nanoTime() < deadline);
            System.out.printf("  prefill: %,d changes committed, %,d applied%n", IngestBench.committed(loads), applied.applied() - base);

            System.out.printf("  warm-up: %.0f s%n", warmup);
            List<OpenLoop.Stats> warm = OpenLoop.run("127.0.0.1", api, shapes.shapes(ratePerShape), warmup, connections, timeoutMillis);
            ServiceGauges.Sample start = gauges.sample(true);
            long rssStart = rssKib(pid);
            long committedStart = IngestBench.committed(loads);
            List<Row> rows = new ArrayList<>();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            long t0 = System.nanoTime();
            sampler.scheduleAtFixedRate(() -> {
                try {
                    applied.sample();
                    Row r = new Row((System.nanoTime() - t0) / 1e9, gauges.sample(false), rssKib(pid),
                            IngestBench.committed(loads), applied.applied() - base);
                    synchronized (rows) {
                        rows.add(r);
                    }
                    System.out.printf("  +%4.0f s: %s, RSS %d MiB, ingest backlog %,d%n", r.t(), r.gauges().describe(),
                            r.rssKib() / 1024, r.committed() - r.applied());
                } catch (Exception e) {
                    System.out.println("  sample failed: " + e);
                }
            }, (long) (sampleSeconds * 1000), (long) (sampleSeconds * 1000), TimeUnit.MILLISECONDS);
            System.out.printf("  measuring: %.0f s, %s; ingest %.0f changes/s%n", measure, start.describe(), ingestRate);
            List<OpenLoop.Stats> measured = OpenLoop.run("127.0.0.1", api, shapes.shapes(ratePerShape), measure, connections, timeoutMillis);
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
            String gcInWindow = ServiceGauges.gcBetween(start, gauges.sample(false));
            ServiceGauges.Sample end = gauges.sample(true);
            long rssEnd = rssKib(pid);
            long committedEnd = IngestBench.committed(loads);
            loads.forEach(FriendsLoad::stop);
            Thread.sleep(200);
            long committed = IngestBench.committed(loads);
            // Drain: everything committed applied (bounded), so the ingest verdict is "kept up".
            long stopAt = System.nanoTime();
            double drain = -1;
            while (System.nanoTime() - stopAt < TimeUnit.SECONDS.toNanos(60)) {
                applied.sample();
                if (applied.applied() - base >= committed) {
                    drain = (System.nanoTime() - stopAt) / 1e9;
                    break;
                }
                Thread.sleep(200);
            }

            long errors = 0;
            for (OpenLoop.Stats s : warm) {
                errors += s.errors();
            }
            for (OpenLoop.Stats s : measured) {
                errors += s.errors();
            }
            boolean rates = measured.stream().allMatch(s -> s.achievedRate() >= 0.95 * s.targetRate());
            String notFlat = ServiceGauges.notFlat(start, end);
            boolean kept = drain >= 0;
            StringBuilder md = new StringBuilder();
            md.append(String.format(Locale.ROOT, "### Latency per shape (%.0f s at a constant arrival rate, after a %.0f s warm-up)%n%n",
                    measure, warmup));
            md.append(OpenLoop.table(measured));
            md.append(String.format(Locale.ROOT, "%nLatency runs from each request's intended send time (coordinated omission "
                    + "counted); \"queued\" is the part before a connection took it (%d connections, %d ms timeout). "
                    + "The load tool's scheduler was late by %s. "
                    + "The cursor shape followed %,d cursors (%,d first pages before any was seen). Warm-up errors: %d.%n%n",
                    connections, timeoutMillis, OpenLoop.lateness(measured), shapes.followed.get(), shapes.firstPages.get(),
                    warm.stream().mapToLong(OpenLoop.Stats::errors).sum()));
            md.append("### Heap and threads (service JVM)\n\n");
            md.append(String.format(Locale.ROOT, "- start of the window: %s, RSS %d MiB%n", start.describe(), rssStart / 1024));
            md.append(String.format(Locale.ROOT, "- end of the window: %s, RSS %d MiB%n", end.describe(), rssEnd / 1024));
            md.append("- garbage collection in the window (the forced ones outside it): " + gcInWindow + "\n");
            md.append("- flat (" + ServiceGauges.FLAT_RULE + "): ")
                    .append(notFlat == null ? "**yes**" : "**NO**: " + notFlat).append("\n\n");
            md.append("| t (s) | heap used (no GC) MiB | threads | RSS MiB | rows committed | rows applied | backlog |\n");
            md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
            synchronized (rows) {
                for (Row r : rows) {
                    md.append(String.format(Locale.ROOT, "| %.0f | %d | %d | %d | %,d | %,d | %,d |%n", r.t(),
                            r.gauges().heapUsed() / MIB, r.gauges().threads(), r.rssKib() / 1024, r.committed(),
                            r.applied(), r.committed() - r.applied()));
                }
            }
            md.append(String.format(Locale.ROOT, "%n### Ingest during the run%n%n- %,d row changes committed on %d shards "
                            + "in the window (%.0f/s; target %.0f/s), %,d in all with the prefill and warm-up; "
                            + "all applied %s after the writers stopped%n%n",
                    committedEnd - committedStart, shardPorts.length, (committedEnd - committedStart) / measure, ingestRate,
                    committed, kept ? String.format(Locale.ROOT, "%.1f s", drain) : "NOT within 60 s"));
            long logErrors;
            try (var lines = Files.lines(serviceLog)) {
                logErrors = lines.skip(logFrom).filter(l -> l.startsWith("ERROR")).count();
            }
            boolean pass = errors == 0 && rates && notFlat == null && kept && logErrors == 0;
            md.append(String.format(Locale.ROOT, "### Verdict: %s%n%n- request errors (non-2xx, timeouts, I/O): %d%n"
                            + "- every shape held its arrival rate (answers ≥ 95 %% of the target): %s%n"
                            + "- heap and threads flat: %s%n- ingest kept up: %s%n"
                            + "- service log ERROR lines from the prefill to the end: %d%n",
                    pass ? "PASS" : "FAIL", errors, rates ? "yes" : "NO", notFlat == null ? "yes" : "NO", kept ? "yes" : "NO",
                    logErrors));
            Files.writeString(out, md.toString());
            // For the report's CPU line (bench/load.sh): this JVM's own CPU seconds since it started.
            Files.writeString(out.resolveSibling("load-tool-cpu.txt"), String.valueOf(
                    ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis() / 1000).orElse(0L)));
            System.out.print(md);
            return pass ? 0 : 3;
        }
    }

    /** Resident set size of a process, from /proc (0 when unknown). */
    private static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not on Linux, or the process is gone
        }
        return 0;
    }
}
