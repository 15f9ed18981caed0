package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.RawHttp;
import io.sideview.SideviewConfiguration;
import io.sideview.ops.PrometheusText;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator's signals against a running service with two real MariaDB shards, on the Kafka WAL (so
 * the WAL consumer's series and the wal-kafka readiness check exist too): the Prometheus scrape has
 * the series, drain takes readiness away while a query in flight completes and applying goes
 * on, and a stopped shard takes readiness away by name until it returns.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsSignalsIntegrationTest {
    /** A request with this header waits inside the server (before the query filter) until the test releases it. */
    private static final String HOLD = "X-Test-Hold";
    private static final CountDownLatch held = new CountDownLatch(1);
    private static final CountDownLatch release = new CountDownLatch(1);
    private static CdcTestApp cdc;
    private static FriendsWorkload workload;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("ops", 701);
        workload = cdc.workload(18);
        workload.run(300);
        List<ConfigOverride> overrides = new ArrayList<>(List.of(Corner.overrides(Corner.ROCKSDB_KAFKA.settings())));
        // Readiness follows within a fifth of a second, so the test waits for it, not for the default 2 s.
        overrides.add(ConfigOverride.config("ops.checkInterval", "200ms"));
        cdc.startApp(new DropwizardTestSupport.ServiceListener<>() {
            @Override
            public void onRun(SideviewConfiguration configuration, Environment environment,
                              DropwizardTestSupport<SideviewConfiguration> rule) {
                Filter hold = (req, res, chain) -> {
                    if (((HttpServletRequest) req).getHeader(HOLD) != null) {
                        held.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    chain.doFilter(req, res);
                };
                environment.servlets().addFilter("test-hold", hold)
                        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            }
        }, overrides.toArray(ConfigOverride[]::new));
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "after the history copy", 120);
        workload.run(300);
        ViewVsSql.awaitExact(cdc::http, workload, "after streamed changes", 120);
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        if (cdc != null) {
            cdc.close();
        }
    }

    private static RawHttp.Reply admin(String method, String path) {
        return RawHttp.send(cdc.app().getAdminPort(), method, path, Map.of());
    }

    private static RawHttp.Reply ready() {
        return admin("GET", "/health-check?type=ready&name=all");
    }

    /** Each check's name and whether readiness counts it healthy now. */
    private static Map<String, Boolean> checks(RawHttp.Reply reply) {
        Map<String, Boolean> out = new java.util.TreeMap<>();
        for (JsonNode c : json(reply.body())) {
            out.put(c.get("name").asText(), c.get("healthy").asBoolean());
        }
        return out;
    }

    private static JsonNode json(String body) {
        try {
            return Examples.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static void awaitReady(boolean ready, String why) {
        Awaitility.await(why).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> ready().status() == (ready ? 200 : 503));
    }

    @Test
    @Order(1)
    void prometheusScrapeHasTheSeries() {
        Map<String, PrometheusText.Family> before = scrape();
        Http api = cdc.http();
        for (String q : List.of("/count?start=1", "/scan?start=1&index=recent", "/edge?source=1&target=2", "/mutual?a=1&b=2")) {
            assertThat(api.get("/v1/views/friends" + q).status()).as(q).isEqualTo(200);
        }
        assertThat(api.get("/v1/views/nosuchview/count?start=1").status()).isEqualTo(404);

        Map<String, PrometheusText.Family> families = scrape();

        // Per view: query rate (the summary's count) and latency (its quantiles), by shape; a name that is no view has none.
        PrometheusText.Family queries = families.get("sideview_view_query_seconds");
        for (String shape : List.of("count", "scan", "edge", "mutual")) {
            Map<String, String> labels = Map.of("view", "friends", "shape", shape);
            // The view checks before (ViewVsSql) ran count and scan queries too: one more of each since.
            double was = before.containsKey("sideview_view_query_seconds") ? before.get("sideview_view_query_seconds")
                    .samples().stream().filter(x -> x.name().endsWith("_count") && x.labels().equals(labels))
                    .mapToDouble(PrometheusText.Sample::value).sum() : 0;
            assertThat(value(queries, "sideview_view_query_seconds_count", labels)).as(shape).isEqualTo(was + 1);
            assertThat(value(queries, "sideview_view_query_seconds",
                    Map.of("view", "friends", "shape", shape, "quantile", "0.99"))).as(shape).isBetween(1e-7, 10.0);
        }
        assertThat(queries.samples()).noneMatch(s -> "nosuchview".equals(s.labels().get("view")));
        // Per shard: events/s, events applied, lag; dead letters.
        for (String shard : List.of("shard0", "shard1")) {
            Map<String, String> labels = Map.of("group", "friends", "shard", shard);
            assertThat(value(families.get("sideview_shard_events_applied"), null, labels)).as(shard).isGreaterThan(0);
            assertThat(value(families.get("sideview_shard_events_per_second"), null, labels)).as(shard).isGreaterThanOrEqualTo(0);
            assertThat(value(families.get("sideview_shard_lag_ms"), null, labels)).as(shard).isBetween(0.0, 120_000.0);
            assertThat(value(families.get("sideview_shard_lag_events"), null, labels)).as(shard).isGreaterThanOrEqualTo(0);
            assertThat(value(families.get("sideview_shard_dead_letters"), null, labels)).as(shard).isEqualTo(0.0);
        }
        assertThat(value(families.get("ingest_deadLetters_pending"), null, Map.of())).isEqualTo(0.0);
        // Apply latency: every lane batch, timed.
        assertThat(value(families.get("edge_apply_batches"), "edge_apply_batches_count", Map.of())).isGreaterThan(0);
        assertThat(value(families.get("edge_apply_batches"), "edge_apply_batches", Map.of("quantile", "0.5")))
                .isBetween(0.0, 10.0);
        // WAL consumer: what it applied, its lag in records and in time.
        assertThat(value(families.get("ingest_wal_applied"), null, Map.of())).isGreaterThan(0);
        assertThat(value(families.get("ingest_wal_lagRecords"), null, Map.of())).isGreaterThanOrEqualTo(0);
        assertThat(families).containsKey("ingest_wal_lagMs");
        // Job progress: the two history copies finished, so nothing runs.
        assertThat(value(families.get("jobs_running"), null, Map.of())).isEqualTo(0.0);
        assertThat(value(families.get("jobs_running_done"), null, Map.of())).isEqualTo(0.0);
        assertThat(value(families.get("jobs_running_total"), null, Map.of())).isEqualTo(0.0);

        // docs/examples/grafana-dashboard.json queries only series this scrape has.
        java.util.Set<String> names = new java.util.HashSet<>();
        families.values().forEach(f -> f.samples().forEach(x -> names.add(x.name())));
        java.util.Set<String> queried = new java.util.TreeSet<>();
        Examples.json("grafana-dashboard.json").get("panels").forEach(panel -> {
            assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
            panel.get("targets").forEach(t -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\{").matcher(t.get("expr").asText());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            });
        });
        assertThat(queried).as("series the dashboard queries").hasSizeGreaterThan(10);
        assertThat(names).containsAll(queried);
    }

    private static Map<String, PrometheusText.Family> scrape() {
        RawHttp.Reply scrape = admin("GET", "/metrics/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        assertThat(scrape.header("Content-Type")).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(scrape.body());
    }

    /** The one sample of the family with this name ({@code null}: the family's) and exactly these labels. */
    private static double value(PrometheusText.Family family, String name, Map<String, String> labels) {
        assertThat(family).as("family for %s %s", name, labels).isNotNull();
        String wanted = name == null ? family.name() : name;
        return family.samples().stream().filter(s -> s.name().equals(wanted) && s.labels().equals(labels))
                .map(PrometheusText.Sample::value).reduce((a, b) -> {
                    throw new AssertionError("two samples " + wanted + labels);
                }).orElseThrow(() -> new AssertionError("no sample " + wanted + labels + " in " + family.samples()));
    }

    @Test
    @Order(2)
    void drainTakesReadinessAwayWhileAQueryInFlightCompletesAndApplyingGoesOn() throws Exception {
        awaitReady(true, "ready before the drain");
        assertThat(checks(ready())).containsOnlyKeys("cdc-friends-shard0", "cdc-friends-shard1", "cluster-node", "cluster-shards", "draining",
                "metadata-db", "registry", "storage", "wal-kafka", "deadlocks").doesNotContainValue(false);
        CompletableFuture<RawHttp.Reply> inFlight = CompletableFuture.supplyAsync(() ->
                RawHttp.send(cdc.app().getLocalPort(), "GET", "/api/v1/views/friends/count?start=1", Map.of(HOLD, "1")));
        assertThat(held.await(30, TimeUnit.SECONDS)).as("the query is inside the server").isTrue();

        RawHttp.Reply drain = admin("POST", "/tasks/drain");
        assertThat(drain.status()).isEqualTo(200);
        assertThat(drain.body()).startsWith("draining: readiness is false").hasLineCount(1);
        RawHttp.Reply notReady = ready();
        assertThat(notReady.status()).as("the task answers once readiness shows it").isEqualTo(503);
        assertThat(checks(notReady)).containsEntry("draining", false).containsEntry("cdc-friends-shard0", true);
        assertThat(admin("GET", "/health-check?type=alive").status()).as("draining is not dead").isEqualTo(200);
        assertThat(admin("POST", "/tasks/drain").body()).startsWith("already draining since");

        // Captured changes keep applying while drained, and the query that was in flight completes.
        workload.run(200);
        ViewVsSql.awaitExact(cdc::http, workload, "while drained", 120);
        release.countDown();
        RawHttp.Reply answered = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(answered.status()).isEqualTo(200);
        assertThat(json(answered.body()).at("/counts/0/start").asLong()).isEqualTo(1);
        assertThat(ready().status()).as("still draining").isEqualTo(503);

        RawHttp.Reply undrain = admin("POST", "/tasks/undrain");
        assertThat(undrain.body()).startsWith("undrained (draining since").contains("readiness follows").hasLineCount(1);
        assertThat(ready().status()).isEqualTo(200);
        assertThat(admin("POST", "/tasks/undrain").body()).startsWith("not draining");
    }

    @Test
    @Order(3)
    void aStoppedShardTakesReadinessAwayByNameUntilItReturns() throws Exception {
        awaitReady(true, "ready before the outage");
        cdc.shards.get(1).stopServer();
        awaitReady(false, "readiness false while shard1 is down");
        assertThat(checks(ready())).containsEntry("cdc-friends-shard1", false).containsEntry("cdc-friends-shard0", true)
                .containsEntry("draining", true);
        assertThat(admin("GET", "/health-check?type=alive").status()).as("a shard down is no reason to restart").isEqualTo(200);

        cdc.shards.get(1).startServer();
        awaitReady(true, "ready again once shard1 is back");
        assertThat(checks(ready())).doesNotContainValue(false);
        workload.run(200);
        ViewVsSql.awaitExact(cdc::http, workload, "after the shard came back", 180);
    }
}
