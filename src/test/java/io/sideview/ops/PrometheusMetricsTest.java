package io.sideview.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sideview's per-view and per-shard families get one Prometheus name with labels; every other name is sanitised. */
class PrometheusMetricsTest {

    private static Map<String, PrometheusText.Family> scrape(MetricRegistry metrics) throws Exception {
        StringWriter out = new StringWriter();
        TextFormat.write004(out, PrometheusMetrics.registry(metrics).metricFamilySamples());
        return PrometheusText.parse(out.toString());
    }

    @Test
    void viewAndShardFamiliesBecomeLabels() throws Exception {
        MetricRegistry metrics = new MetricRegistry();
        metrics.timer("query.friends.scan").update(2, TimeUnit.MILLISECONDS);
        metrics.timer("query.follows.count").update(1, TimeUnit.MILLISECONDS);
        metrics.register("ingest.friends.shard-0.lagMs", (Gauge<Long>) () -> 1500L);
        metrics.register("ingest.friends.shard-0.eventsPerSecond", (Gauge<Double>) () -> 12.5);
        metrics.register("ingest.wal.lagMs", (Gauge<Long>) () -> 7L);
        metrics.register("io.sideview.query.QueryFilter.4xx-responses", new com.codahale.metrics.Meter());

        Map<String, PrometheusText.Family> families = scrape(metrics);

        PrometheusText.Family queries = families.get("sideview_view_query_seconds");
        assertThat(queries.type()).isEqualTo("summary");
        assertThat(queries.samples()).filteredOn(s -> s.name().endsWith("_count"))
                .extracting(PrometheusText.Sample::labels)
                .containsExactlyInAnyOrder(Map.of("view", "friends", "shape", "scan"), Map.of("view", "follows", "shape", "count"));
        assertThat(queries.samples()).filteredOn(s -> s.labels().get("view").equals("friends") && "0.5".equals(s.labels().get("quantile")))
                .singleElement().extracting(PrometheusText.Sample::value).isEqualTo(0.002);
        PrometheusText.Sample lag = families.get("sideview_shard_lag_ms").samples().get(0);
        assertThat(lag.labels()).isEqualTo(Map.of("group", "friends", "shard", "shard-0"));
        assertThat(lag.value()).isEqualTo(1500.0);
        assertThat(families.get("sideview_shard_events_per_second").samples().get(0).value()).isEqualTo(12.5);
        assertThat(families).as("three segments are no shard: sanitised as is").containsKey("ingest_wal_lagMs")
                .containsKey("io_sideview_query_QueryFilter_4xx_responses_total");
    }
}
