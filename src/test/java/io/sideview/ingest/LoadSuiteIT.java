package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.Examples;
import io.sideview.ServiceProcess;
import io.sideview.load.FriendsShapes;
import io.sideview.load.OpenLoop;
import io.sideview.load.ServiceGauges;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The load suite's fast variant (the long one is bench/load.sh, with the same load code): the
 * packaged service captures two MariaDB shards while a writer changes rows at a steady rate, and
 * every query shape is asked at a constant arrival rate ({@link OpenLoop}: latency from the
 * intended send time, so queueing is counted). After a warm-up, {@value #MEASURE_SECONDS} s are
 * measured. No request may fail or time out, every shape must be answered at its rate, heap (live,
 * after a full GC) and thread count must be flat by {@link ServiceGauges#notFlat}, the view must
 * still equal SQL over both shards once the writer stops, and the service must have logged no
 * ERROR during the load. About 80 s in all on a quiet machine (22 s of it the set-up).
 *
 * <p>The service runs in its own JVM (the packaged jar, as in production), so its heap and threads
 * are its own and not the test JVM's.
 */
@Tag("integration")
class LoadSuiteIT {
    private static final double RATE_PER_SHAPE = 25;   // 8 shapes: 200 requests/s
    private static final double CHANGES_PER_SECOND = 100;
    private static final int WARMUP_SECONDS = 10;
    private static final int MEASURE_SECONDS = 40;
    private static final int CONNECTIONS = 16;
    private static final int TIMEOUT_MILLIS = 5_000;

    @Test
    void steadyQueriesAndIngestWithoutErrorsAndFlatHeapAndThreads() throws Exception {
        long t0 = System.nanoTime();
        try (CdcTestApp cdc = new CdcTestApp("load", 960)) {
            FriendsWorkload workload = cdc.workload(96);
            workload.run(1500);
            int port = ServiceProcess.freePort();
            int adminPort = ServiceProcess.freePort();
            cdc.usePort(port);
            Process service = ServiceProcess.launch(cdc.config(), cdc.dir, port, adminPort, cdc::http, List.of());
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            try (ServiceGauges gauges = new ServiceGauges("127.0.0.1", adminPort)) {
                assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
                ViewVsSql.awaitExact(cdc::http, workload, "after the history copy", 60);

                System.out.printf("set-up (shards, service, history copy): %.1f s%n", (System.nanoTime() - t0) / 1e9);
                // Ingest during the whole run: warm-up and measured window.
                CompletableFuture<Integer> writer = workload.runAsync(
                        (int) (CHANGES_PER_SECOND * (WARMUP_SECONDS + MEASURE_SECONDS)), CHANGES_PER_SECOND);
                FriendsShapes shapes = new FriendsShapes("friends", FriendsWorkload.USERS, FriendsWorkload.FRIENDS);
                List<OpenLoop.Stats> warmup = OpenLoop.run("127.0.0.1", port, shapes.shapes(RATE_PER_SHAPE),
                        WARMUP_SECONDS, CONNECTIONS, TIMEOUT_MILLIS);

                ServiceGauges.Sample start = gauges.sample(true);
                // ERROR lines are judged from here: while the engines start, the readiness check may log one.
                long logLinesBefore = Files.readAllLines(cdc.dir.resolve("service.log")).size();
                List<ServiceGauges.Sample> during = Collections.synchronizedList(new ArrayList<>());
                sampler.scheduleAtFixedRate(() -> {
                    try {
                        during.add(gauges.sample(false));
                    } catch (Exception e) {
                        // a missed reading only thins the series; start and end are asserted
                    }
                }, 5, 5, TimeUnit.SECONDS);
                List<OpenLoop.Stats> measured = OpenLoop.run("127.0.0.1", port, shapes.shapes(RATE_PER_SHAPE),
                        MEASURE_SECONDS, CONNECTIONS, TIMEOUT_MILLIS);
                sampler.shutdownNow();
                int changes = writer.get(2, TimeUnit.MINUTES);
                String gcInWindow = ServiceGauges.gcBetween(start, gauges.sample(false));
                ServiceGauges.Sample end = gauges.sample(true);

                System.out.println("warm-up (" + WARMUP_SECONDS + " s):\n" + OpenLoop.table(warmup));
                System.out.println("measured (" + MEASURE_SECONDS + " s), " + changes + " row changes during the run:\n"
                        + OpenLoop.table(measured) + "load tool scheduler late by " + OpenLoop.lateness(measured));
                System.out.println("start: " + start.describe() + "; end: " + end.describe() + "; GC in the window: " + gcInWindow);
                during.forEach(s -> System.out.printf("  +%.0f s: %s%n", s.seconds() - start.seconds(), s.describe()));
                System.out.println("cursor shape: " + shapes.followed + " pages followed a cursor, "
                        + shapes.firstPages + " were first pages (no cursor seen yet)");

                for (List<OpenLoop.Stats> run : List.of(warmup, measured)) {
                    assertThat(run).allSatisfy(s -> {
                        assertThat(s.errors()).as(s.name() + " errors (first: " + s.firstError() + ")").isZero();
                        assertThat(s.ok()).as(s.name() + " answered").isPositive();
                    });
                }
                assertThat(measured).allSatisfy(s -> assertThat(s.achievedRate())
                        .as(s.name() + " held its arrival rate").isGreaterThan(0.9 * RATE_PER_SHAPE));
                assertThat(shapes.followed.get()).as("scan pages that followed a cursor").isPositive();
                assertThat(changes).isGreaterThanOrEqualTo((int) (CHANGES_PER_SECOND * (WARMUP_SECONDS + MEASURE_SECONDS)));
                assertThat(ServiceGauges.notFlat(start, end)).as("heap and threads flat").isNull();
                long check = System.nanoTime();
                ViewVsSql.awaitExact(cdc::http, workload, "after the load", 60);
                System.out.printf("view equals SQL after the load (checked in %.1f s)%n", (System.nanoTime() - check) / 1e9);
                assertThat(Files.readAllLines(cdc.dir.resolve("service.log")).stream().skip(logLinesBefore))
                        .as("service log ERROR lines during the load").noneMatch(l -> l.startsWith("ERROR"));
            } finally {
                sampler.shutdownNow();
                service.destroy();
                if (!service.waitFor(30, TimeUnit.SECONDS)) {
                    service.destroyForcibly().waitFor();
                }
            }
        }
    }
}
