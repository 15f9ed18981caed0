package io.sideview.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Turns the ingest benchmark's raw JSON (one directory per corner under the work directory) into
 * the markdown report: throughput over the measured window (after the warm-up), the backlog, the
 * drain time, the end-to-end lag percentiles, and the targets.
 */
final class IngestReport {
    private IngestReport() {}

    /** Applied-rate figures of one throughput run, over the measured window (samples after the warm-up). */
    record Window(double seconds, double generated, double applied, double minApplied10s, long backlogStart,
                  long backlogEnd, long backlogMax) {
        boolean keptUp(double target) {
            return applied >= 0.95 * generated && backlogEnd <= 2 * target;
        }
    }

    static Window window(JsonNode t) {
        double warmup = t.path("warmup").asDouble();
        JsonNode s = t.path("samples");
        int first = 0;
        while (first < s.size() - 1 && s.get(first).path("t").asDouble() < warmup) {
            first++;
        }
        int last = s.size() - 1;
        JsonNode a = s.get(first);
        JsonNode b = s.get(last);
        double secs = b.path("t").asDouble() - a.path("t").asDouble();
        double gen = (b.path("committed").asLong() - a.path("committed").asLong()) / secs;
        double app = (b.path("applied").asLong() - a.path("applied").asLong()) / secs;
        double min10 = Double.MAX_VALUE;
        long max = 0;
        for (int i = first; i <= last; i++) {
            JsonNode x = s.get(i);
            max = Math.max(max, x.path("committed").asLong() - x.path("applied").asLong());
            int j = i;
            while (j <= last && s.get(j).path("t").asDouble() - x.path("t").asDouble() < 10) {
                j++;
            }
            if (j <= last) {
                JsonNode y = s.get(j);
                min10 = Math.min(min10, (y.path("applied").asLong() - x.path("applied").asLong())
                        / (y.path("t").asDouble() - x.path("t").asDouble()));
            }
        }
        return new Window(secs, gen, app, min10 == Double.MAX_VALUE ? app : min10,
                a.path("committed").asLong() - a.path("applied").asLong(),
                b.path("committed").asLong() - b.path("applied").asLong(), max);
    }

    /**
     * One step of a --max search, as one line for the shell: the generated and applied rates over the
     * window, and "kept" or "behind" (the same test as the report's "kept up").
     */
    static void step(Path throughputJson) throws IOException {
        JsonNode t = Bench.JSON.readTree(throughputJson.toFile());
        Window w = window(t);
        System.out.printf(Locale.ROOT, "%.0f %.0f %s%n", w.generated(), w.applied(),
                w.keptUp(t.path("targetRate").asDouble()) ? "kept" : "behind");
    }

    static void write(Path work, Path outMd) throws IOException {
        Locale.setDefault(Locale.ROOT);
        StringBuilder md = new StringBuilder();
        md.append(Files.readString(work.resolve("meta.md"))).append('\n');
        List<Path> corners;
        try (Stream<Path> d = Files.list(work)) {
            corners = d.filter(p -> Files.exists(p.resolve("corner.txt"))).sorted().toList();
        }
        md.append("### Results\n\n");
        md.append("| corner | target rate | generated /s | applied /s (window) | min applied /s over 10 s | window s "
                + "| backlog start → end (max) | drain s | kept up | lag at ~1k/s p50 / p90 / p99 / max ms | markers |\n");
        md.append("|---|---:|---:|---:|---:|---:|---|---:|---|---|---:|\n");
        StringBuilder targets = new StringBuilder();
        StringBuilder details = new StringBuilder();
        for (Path c : corners) {
            String name = Files.readString(c.resolve("corner.txt")).trim();
            boolean hbase = name.startsWith("hbase");
            double need = hbase ? 5_000 : 10_000;
            md.append("| ").append(name);
            if (Files.exists(c.resolve("throughput.json"))) {
                JsonNode t = Bench.JSON.readTree(c.resolve("throughput.json").toFile());
                Window w = window(t);
                double drain = t.path("drainSeconds").asDouble();
                boolean kept = w.keptUp(t.path("targetRate").asDouble());
                md.append(String.format(" | %,.0f | %,.0f | **%,.0f** | %,.0f | %.0f | %,d → %,d (%,d) | %s | %s",
                        t.path("targetRate").asDouble(), w.generated(), w.applied(), w.minApplied10s(), w.seconds(),
                        w.backlogStart(), w.backlogEnd(), w.backlogMax(),
                        drain < 0 ? "> " + t.path("drainLimit").asInt() : String.format("%.1f", drain), kept ? "yes" : "**no**"));
                boolean pass = kept && w.applied() >= need && w.seconds() >= 290;
                targets.append(String.format("| %s | ≥ %,.0f changes/s applied for 5 min | %,.0f/s over %.0f s, %s | %s |%n", name, need,
                        w.applied(), w.seconds(), kept ? "kept up" : "did not keep up",
                        pass ? "**PASS**" : (w.seconds() < 290 && kept && w.applied() >= need ? "passes for the window measured (not 5 min: quick run)" : "**FAIL**")));
                details.append(String.format("- %s: %,d changes committed in %,d transactions (%s), %,d applied (wal kafka: %,d published to the WAL)%n",
                        name, t.path("committedTotal").asLong(), t.path("transactions").asLong(), kinds(t.path("kinds")),
                        t.path("appliedTotal").asLong(), t.path("publishedTotal").asLong()));
            } else {
                md.append(" | | | | | | | | |");
            }
            if (Files.exists(c.resolve("lag.json"))) {
                JsonNode l = Bench.JSON.readTree(c.resolve("lag.json").toFile());
                md.append(String.format(" | %.0f / %.0f / **%.0f** / %.0f | %d%s |", l.path("p50").asDouble(), l.path("p90").asDouble(),
                        l.path("p99").asDouble(), l.path("max").asDouble(), l.path("visible").asLong(),
                        l.path("timeouts").asLong() > 0 ? " (" + l.path("timeouts").asLong() + " not seen in 30 s)" : ""));
                targets.append(String.format("| %s | end-to-end lag p99 ≤ 500 ms at 1,000 changes/s | p99 %.0f ms (background %.0f/s, %d markers) | %s |%n",
                        name, l.path("p99").asDouble(), l.path("backgroundMeasured").asDouble(), l.path("visible").asLong(),
                        l.path("p99").asDouble() <= 500 && l.path("timeouts").asLong() == 0 ? "**PASS**" : "**FAIL**"));
            } else {
                md.append(" | | |");
            }
            md.append('\n');
            if (Files.exists(c.resolve("procs.md"))) {
                details.append(Files.readString(c.resolve("procs.md")));
            }
        }
        md.append("\n### Targets\n\n| corner | target | measured | result |\n|---|---|---|---|\n").append(targets);
        md.append("\n### Details\n\n").append(details);
        Files.createDirectories(outMd.getParent());
        Files.writeString(outMd, md.toString());
        System.out.print(md);
    }

    private static String kinds(JsonNode k) {
        StringBuilder sb = new StringBuilder();
        k.properties().forEach(e -> sb.append(sb.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(String.format("%,d", e.getValue().asLong())));
        return sb.toString();
    }
}
