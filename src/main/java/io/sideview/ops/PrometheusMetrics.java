package io.sideview.ops;

import com.codahale.metrics.MetricRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.dropwizard.DropwizardExports;
import io.prometheus.client.dropwizard.samplebuilder.CustomMappingSampleBuilder;
import io.prometheus.client.dropwizard.samplebuilder.MapperConfig;
import io.prometheus.client.servlet.jakarta.exporter.MetricsServlet;
import java.util.List;
import java.util.Map;

/**
 * The Dropwizard {@link MetricRegistry}, in Prometheus text format (0.0.4) at admin
 * {@value #PATH}, through the Prometheus client's Dropwizard bridge: one source of truth, no
 * second metrics system. The bridge reads the registry at each scrape and sanitises every name
 * ({@code io.sideview.query.QueryFilter.scan} becomes {@code io_sideview_query_QueryFilter_scan}).
 * Sideview's per-view and per-shard families are mapped to one name with labels instead, so a
 * dashboard selects by label rather than by one metric name per view or shard.
 */
public final class PrometheusMetrics {
    public static final String PATH = "/metrics/prometheus";

    /** Dropwizard name pattern ({@code *} is one dot-free segment) to Prometheus name and labels. */
    static final List<MapperConfig> MAPPINGS = List.of(
            map("query.*.*", "sideview_view_query_seconds", "view", "shape"),
            map("ingest.*.*.applied", "sideview_shard_events_applied", "group", "shard"),
            map("ingest.*.*.eventsPerSecond", "sideview_shard_events_per_second", "group", "shard"),
            map("ingest.*.*.lagMs", "sideview_shard_lag_ms", "group", "shard"),
            map("ingest.*.*.lagEvents", "sideview_shard_lag_events", "group", "shard"),
            map("ingest.*.*.deadLetters", "sideview_shard_dead_letters", "group", "shard"),
            map("ingest.*.*.paused", "sideview_shard_paused", "group", "shard"));

    private PrometheusMetrics() {}

    /**
     * A servlet over {@code metrics}. Its own {@link CollectorRegistry}, not the client's static default:
     * two services in one JVM (tests) would otherwise register the same collector names twice.
     */
    public static MetricsServlet servlet(MetricRegistry metrics) {
        return new MetricsServlet(registry(metrics));
    }

    static CollectorRegistry registry(MetricRegistry metrics) {
        CollectorRegistry registry = new CollectorRegistry();
        registry.register(new DropwizardExports(metrics, new CustomMappingSampleBuilder(MAPPINGS)));
        return registry;
    }

    private static MapperConfig map(String pattern, String name, String... labels) {
        Map<String, String> byLabel = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            byLabel.put(labels[i], "${" + i + "}");
        }
        return new MapperConfig(pattern, name, byLabel);
    }
}
