package io.sideview.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Turns work/results-*.json (+ work/meta.md) into the markdown report. */
final class Report {
    static void write(Path work, Path outMd) throws IOException {
        Map<String, JsonNode> groups = new LinkedHashMap<>();
        for (String g : List.of("rocksdb", "hbase", "mariadb")) {
            Path p = work.resolve("results-" + g + ".json");
            if (Files.exists(p)) {
                groups.put(g, Bench.JSON.readTree(p.toFile()));
            }
        }
        StringBuilder md = new StringBuilder();
        Path meta = work.resolve("meta.md");
        if (Files.exists(meta)) {
            md.append(Files.readString(meta)).append('\n');
        }
        md.append("### Results\n\nClosed loop, each connection/thread sends its next request when the previous answer is in; "
                + "latencies in ms (HdrHistogram, 3 significant digits); a mutual op is the whole cursor walk; \"load avg\" is the 1-minute load average at the end of the shape (2 cores: anything much above the load generator + service shows other work on the machine).\n\n");
        md.append("| backend | shape | conns | ops/s | p50 | p90 | p99 | p99.9 | errors | load avg |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode g : groups.values()) {
            for (JsonNode r : g.get("results")) {
                md.append(String.format("| %s | %s | %d | %,.0f | %.3f | %.3f | %.3f | %.3f | %d | %.1f |%n", r.get("group").asText(),
                        r.get("shape").asText(), r.get("conns").asInt(), r.get("opsPerSec").asDouble(), r.get("p50").asDouble(),
                        r.get("p90").asDouble(), r.get("p99").asDouble(), r.get("p999").asDouble(), r.get("errors").asLong(),
                        r.path("loadavg").asDouble(-1)));
            }
        }
        md.append("\nAnswer checks (made before measuring): ");
        groups.forEach((k, g) -> md.append(k).append(' ').append(g.get("checks")).append("; "));
        md.append("\n\n### Targets\n\n| backend | target | measured | ratio | needed | result |\n|---|---|---|---:|---:|---|\n");
        JsonNode maria = groups.get("mariadb");
        for (String backend : List.of("rocksdb", "hbase")) {
            JsonNode g = groups.get(backend);
            if (g == null) {
                continue;
            }
            // The better of the trivial endpoint's two measurements (first and last): the stricter base.
            double ping = Math.max(ops(g, "trivial (/api/v1/ping)"), ops(g, Bench.TRIVIAL_AGAIN));
            row(md, backend, "get ≥ 60% of trivial endpoint", ops(g, "get"), ping, 0.6, "rps");
            row(md, backend, "count deg 10 ≥ 60% of trivial endpoint", ops(g, "count deg 10"), ping, 0.6, "rps");
            row(md, backend, "count deg 10,000 ≥ 60% of trivial endpoint", ops(g, "count deg 10,000"), ping, 0.6, "rps");
            if (maria != null) {
                row(md, backend, "count deg 10,000 ≥ 10× MariaDB COUNT(*)", ops(g, "count deg 10,000"), ops(maria, "count deg 10,000"), 10, "qps");
                row(md, backend, "reverse count ≥ 200× 4-shard scatter-gather", ops(g, "reverse count"), ops(maria, "reverse count"), 200, "qps");
                row(md, backend, "reverse count (120k in) ≥ 200× 4-shard scatter-gather", ops(g, "reverse count (120k in)"),
                        ops(maria, "reverse count (120k in)"), 200, "qps");
                row(md, backend, "reverse newest-20 ≥ 4× 4-shard scatter-gather", ops(g, "reverse newest-20"), ops(maria, "reverse newest-20"), 4, "qps");
                row(md, backend, "full mutual ≥ 2× MariaDB", ops(g, "mutual (full)"), ops(maria, "mutual (full)"), 2, "qps");
            }
        }
        md.append("\nThe trivial endpoint's figure in the targets is the better of its two measurements, the first shape and the last.\n");
        md.append("\n### Count of a degree-10 node vs a degree-10,000 node\n\n| backend | deg 10 p50 / p99 ms | deg 10,000 p50 / p99 ms | ops/s deg 10 vs deg 10,000 |\n|---|---|---|---|\n");
        for (JsonNode g : groups.values()) {
            JsonNode s = find(g, "count deg 10"), l = find(g, "count deg 10,000");
            if (s != null && l != null) {
                md.append(String.format("| %s | %.3f / %.3f | %.3f / %.3f | %,.0f vs %,.0f |%n", g.get("group").asText(),
                        s.get("p50").asDouble(), s.get("p99").asDouble(), l.get("p50").asDouble(), l.get("p99").asDouble(),
                        s.get("opsPerSec").asDouble(), l.get("opsPerSec").asDouble()));
            }
        }
        Files.createDirectories(outMd.getParent());
        Files.writeString(outMd, md.toString());
        System.out.println(md);
    }

    private static void row(StringBuilder md, String backend, String what, double value, double base, double need, String unit) {
        double ratio = base == 0 ? 0 : value / base;
        md.append(String.format("| %s | %s | %,.0f vs %,.0f %s | %.2f× | %.2f× | %s |%n", backend, what, value, base, unit, ratio, need,
                ratio >= need ? "**pass**" : "**FAIL**"));
    }

    private static JsonNode find(JsonNode g, String shape) {
        for (JsonNode r : g.get("results")) {
            if (r.get("shape").asText().equals(shape)) {
                return r;
            }
        }
        return null;
    }

    private static double ops(JsonNode g, String shape) {
        JsonNode r = find(g, shape);
        return r == null ? 0 : r.get("opsPerSec").asDouble();
    }
}
