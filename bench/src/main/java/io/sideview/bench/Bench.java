package io.sideview.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sideview.load.HttpConn;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/** Entry point of the harness; bench/run.sh calls its sub-commands in order. */
public final class Bench {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String VIEW = "/api/v1/views/follows";
    static final int NIO_THREADS = 2;

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        switch (args[0]) {
            case "gen" -> Gen.run(Path.of(args[1]), Long.parseLong(args[2]), 42);
            case "load-sideview" -> loadSideview(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "load-mariadb" -> loadMariadb(Path.of(args[1]), ports(args[2]));
            case "measure-sideview" -> measureSideview(Path.of(args[1]), args[2], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Double.parseDouble(args[5]), Double.parseDouble(args[6]),
                    Integer.parseInt(args[7]), Path.of(args[8]));
            case "measure-mariadb" -> measureMariadb(Path.of(args[1]), ports(args[2]), Double.parseDouble(args[3]),
                    Double.parseDouble(args[4]), Integer.parseInt(args[5]), Path.of(args[6]));
            case "report" -> Report.write(Path.of(args[1]), Path.of(args[2]));
            // ingest benchmark (bench/ingest.sh)
            case "ingest-throughput" -> IngestBench.throughput(Integer.parseInt(args[1]), ports(args[2]),
                    Double.parseDouble(args[3]), Double.parseDouble(args[4]), Double.parseDouble(args[5]), args[6], args[7],
                    Integer.parseInt(args[8]), Integer.parseInt(args[9]), Path.of(args[10]),
                    args.length > 11 ? Long.parseLong(args[11]) : 0);
            case "ingest-lag" -> IngestLag.lag(Integer.parseInt(args[1]), ports(args[2]), Double.parseDouble(args[3]),
                    Double.parseDouble(args[4]), Double.parseDouble(args[5]), Integer.parseInt(args[6]), Path.of(args[7]));
            case "ingest-report" -> IngestReport.write(Path.of(args[1]), Path.of(args[2]));
            case "ingest-step" -> IngestReport.step(Path.of(args[1]));
            // load suite, long variant (bench/load.sh)
            case "load-run" -> System.exit(LoadRun.run(Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Long.parseLong(args[3]), ports(args[4]), Double.parseDouble(args[5]), Double.parseDouble(args[6]),
                    Long.parseLong(args[7]), Double.parseDouble(args[8]), Double.parseDouble(args[9]),
                    Integer.parseInt(args[10]), Double.parseDouble(args[11]), Integer.parseInt(args[12]), Path.of(args[13]),
                    Long.parseLong(args[14]), Path.of(args[15])));
            // backfill benchmark (bench/backfill.sh)
            case "backfill-stream" -> BackfillStream.run(ports(args[1]), Double.parseDouble(args[2]), Path.of(args[3]), Path.of(args[4]));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static int[] ports(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    // ---------------------------------------------------------------- loading

    static void loadSideview(Path dir, int port, Path viewFile, int conns, long maxSeconds) throws Exception {
        try (HttpConn c = new HttpConn("127.0.0.1", port)) {
            byte[] body = c.post("/api/v1/views", Files.readAllBytes(viewFile));
            if (c.status != 201 && c.status != 200) {
                throw new IllegalStateException("create view: HTTP " + c.status + " " + new String(body, StandardCharsets.UTF_8));
            }
        }
        List<String> lines = Files.readAllLines(dir.resolve("edges.tsv"));
        int batch = 1000;
        int batches = (lines.size() + batch - 1) / batch;
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        for (int w = 0; w < conns; w++) {
            Thread t = new Thread(() -> {
                try (HttpConn c = new HttpConn("127.0.0.1", port)) {
                    long i;
                    while ((i = next.getAndIncrement()) < batches) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("load did not finish within " + maxSeconds + " s");
                        }
                        StringBuilder sb = new StringBuilder(100 * batch).append("{\"mutations\":[");
                        int from = (int) i * batch, to = Math.min(lines.size(), from + batch);
                        for (int k = from; k < to; k++) {
                            String[] f = lines.get(k).split("\t");
                            if (k > from) {
                                sb.append(',');
                            }
                            sb.append("{\"type\":\"INSERT\",\"source\":").append(f[0]).append(",\"target\":").append(f[1])
                                    .append(",\"version\":1,\"properties\":{\"created_at\":").append(f[2]).append("}}");
                        }
                        sb.append("]}");
                        byte[] resp = c.post(VIEW + "/mutations", sb.toString().getBytes(StandardCharsets.UTF_8));
                        if (c.status != 200) {
                            errors.incrementAndGet();
                            System.err.println("batch " + i + ": HTTP " + c.status + " "
                                    + new String(resp, 0, Math.min(resp.length, 300), StandardCharsets.UTF_8));
                        }
                        long d = done.addAndGet(to - from);
                        if ((i + 1) % 200 == 0) {
                            System.out.printf("  %,d edges loaded (%.0f s)%n", d, (System.nanoTime() - t0) / 1e9);
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    e.printStackTrace();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("sideview load: %,d edges in %.1f s (%,.0f edges/s, %d connections, batches of %d), %d failed batches%n",
                lines.size(), s, lines.size() / s, conns, batch, errors.get());
        Files.writeString(dir.resolve("load-" + port + ".txt"), String.format("%d %.1f %d", lines.size(), s, errors.get()));
        if (errors.get() > 0) {
            System.exit(1);
        }
    }

    static String jdbcUrl(int port) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/bench?user=root&allowLocalInfile=true";
    }

    static void loadMariadb(Path dir, int[] ports) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(ports.length);
        List<Future<Long>> fs = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            int shard = i;
            fs.add(pool.submit(() -> {
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + ports[shard] + "/?user=root&allowLocalInfile=true");
                     Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE IF NOT EXISTS bench");
                    st.execute("USE bench");
                    st.execute("DROP TABLE IF EXISTS follows");
                    st.execute("CREATE TABLE follows(source BIGINT NOT NULL, target BIGINT NOT NULL, created_at BIGINT NOT NULL, "
                            + "PRIMARY KEY(source, target), KEY by_target(target, created_at)) ENGINE=InnoDB");
                    long rows = st.executeLargeUpdate("LOAD DATA LOCAL INFILE '" + dir.resolve("shard" + shard + ".tsv").toAbsolutePath()
                            + "' INTO TABLE follows (source, target, created_at)");
                    st.execute("ANALYZE TABLE follows");
                    return rows;
                }
            }));
        }
        long total = 0;
        for (Future<Long> f : fs) {
            total += f.get();
        }
        pool.shutdown();
        System.out.printf("mariadb load: %,d rows into %d shards in %.1f s (LOAD DATA LOCAL INFILE)%n", total, ports.length,
                (System.nanoTime() - t0) / 1e9);
    }

    // ---------------------------------------------------------------- driver

    interface Op<C> {
        /** Runs one operation; returns false on a failed (non-200 / wrong) answer. */
        boolean run(C ctx, SplittableRandom rnd) throws Exception;
    }

    record Shape<C>(String name, String what, Op<C> op) {}

    /** Closed loop: each thread runs op back to back for {@code seconds}; latency per op in microseconds. */
    static <C> ObjectNode drive(String group, Shape<C> shape, List<C> ctxs, double seconds, boolean record) throws Exception {
        int n = ctxs.size();
        Histogram[] hs = new Histogram[n];
        long[] errs = new long[n];
        Thread[] ts = new Thread[n];
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        for (int i = 0; i < n; i++) {
            int w = i;
            hs[i] = new Histogram(600_000_000L, 3);
            ts[i] = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(1000 + w);
                C ctx = ctxs.get(w);
                long now = System.nanoTime();
                while (now < end) {
                    boolean ok;
                    try {
                        ok = shape.op.run(ctx, rnd);
                    } catch (Exception e) {
                        ok = false;
                        if (errs[w] == 0) {
                            System.err.println(shape.name + ": " + e);
                        }
                    }
                    long t = System.nanoTime();
                    if (ok) {
                        hs[w].recordValue(Math.max(1, (t - now) / 1000));
                    } else {
                        errs[w]++;
                    }
                    now = t;
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(600_000_000L, 3);
        long errors = 0;
        for (int i = 0; i < n; i++) {
            all.add(hs[i]);
            errors += errs[i];
        }
        return result(group, shape.name, shape.what, n, all, errors, elapsed, record);
    }

    static ObjectNode result(String group, String name, String what, int n, Histogram all, long errors, double elapsed, boolean print) {
        ObjectNode r = JSON.createObjectNode();
        r.put("group", group);
        r.put("shape", name);
        r.put("what", what);
        r.put("conns", n);
        r.put("seconds", elapsed);
        r.put("ops", all.getTotalCount());
        r.put("errors", errors);
        r.put("opsPerSec", all.getTotalCount() / elapsed);
        r.put("p50", all.getValueAtPercentile(50) / 1000.0);
        r.put("p90", all.getValueAtPercentile(90) / 1000.0);
        r.put("p99", all.getValueAtPercentile(99) / 1000.0);
        r.put("p999", all.getValueAtPercentile(99.9) / 1000.0);
        r.put("max", all.getMaxValue() / 1000.0);
        r.put("loadavg", loadavg());
        if (print) {
            System.out.printf("  %-9s %-22s %3d conns %10.0f ops/s  p50 %7.3f  p90 %7.3f  p99 %7.3f  p99.9 %8.3f ms  errors %d%n",
                    group, name, n, r.get("opsPerSec").asDouble(), r.get("p50").asDouble(), r.get("p90").asDouble(),
                    r.get("p99").asDouble(), r.get("p999").asDouble(), errors);
        }
        return r;
    }

    /** 1-minute load average at the end of a shape: shows how much else was running (2 cores). */
    static double loadavg() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return -1;
        }
    }

    static <C> ArrayNode runGroup(String group, List<Shape<C>> shapes, List<C> ctxs, double warmup, double duration) throws Exception {
        System.out.printf("%s: warm-up %.0f s (all %d shapes in turn), then %.0f s per shape, %d connections%n",
                group, warmup, shapes.size(), duration, ctxs.size());
        for (Shape<C> s : shapes) {
            drive(group, s, ctxs, warmup / shapes.size(), false);
        }
        ArrayNode out = JSON.createArrayNode();
        for (Shape<C> s : shapes) {
            out.add(drive(group, s, ctxs, duration, true));
        }
        return out;
    }

    // ---------------------------------------------------------------- Sideview

    static int mutualAll(HttpConn c, long a, long b) throws IOException {
        String cursor = null;
        int total = 0;
        do {
            byte[] body = c.get(VIEW + "/mutual?a=" + a + "&b=" + b + "&limit=1000"
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            if (c.status != 200) {
                return -1;
            }
            JsonNode page = JSON.readTree(body);
            total += page.path("targets").size();
            JsonNode next = page.get("next");
            cursor = next == null || next.isNull() ? null : next.asText();
        } while (cursor != null);
        return total;
    }

    /** The trivial endpoint's second measurement, after every other shape. */
    static final String TRIVIAL_AGAIN = "trivial (/api/v1/ping), again at the end";

    static void measureSideview(Path dir, String group, int apiPort, int adminPort, double warmup, double duration,
                                int conns, Path out) throws Exception {
        JsonNode plan = JSON.readTree(dir.resolve("plan.json").toFile());
        long a = plan.get("a").asLong(), b = plan.get("b").asLong(), d10 = plan.get("d10").asLong(), c = plan.get("c").asLong(), c2 = plan.get("c2").asLong();
        long[] ss = JSON.convertValue(plan.get("sampleSource"), long[].class);
        long[] st = JSON.convertValue(plan.get("sampleTarget"), long[].class);
        // Check the answers first: a benchmark of wrong answers is worthless.
        ObjectNode checks = JSON.createObjectNode();
        try (HttpConn h = new HttpConn("127.0.0.1", apiPort)) {
            checks.put("countOutA", JSON.readTree(h.get(VIEW + "/count?start=" + a + "&direction=OUT")).at("/counts/0/count").asLong());
            checks.put("countOutD10", JSON.readTree(h.get(VIEW + "/count?start=" + d10 + "&direction=OUT")).at("/counts/0/count").asLong());
            checks.put("countInC", JSON.readTree(h.get(VIEW + "/count?start=" + c + "&direction=IN")).at("/counts/0/count").asLong());
            checks.put("countInC2", JSON.readTree(h.get(VIEW + "/count?start=" + c2 + "&direction=IN")).at("/counts/0/count").asLong());
            checks.put("reverseNewest20C", JSON.readTree(h.get(VIEW + "/scan?start=" + c + "&direction=IN&index=recent&limit=20")).path("edges").size());
            checks.put("mutualAB", mutualAll(h, a, b));
            checks.put("getSample0", JSON.readTree(h.get(VIEW + "/edge?source=" + ss[0] + "&target=" + st[0])).path("edges").size());
        }
        System.out.println(group + " answer check: " + checks + " (expected countOutA=" + plan.get("outA") + " countOutD10="
                + plan.get("outD10") + " countInC=" + plan.get("inC") + " countInC2=" + plan.get("inC2") + " reverseNewest20C=20 mutualAB=" + plan.get("mutualAB") + " getSample0=1)");
        record H(String name, String what, int port, java.util.function.Function<SplittableRandom, String> path) {}
        List<H> shapes = List.of(
                new H("trivial (/api/v1/ping)", "GET /api/v1/ping", apiPort, r -> "/api/v1/ping"),
                new H("get", "GET /edge?source=S&target=T, random existing edge", apiPort, r -> {
                    int i = r.nextInt(ss.length);
                    return VIEW + "/edge?source=" + ss[i] + "&target=" + st[i];
                }),
                new H("count deg 10", "GET /count?start=D10&direction=OUT", apiPort, r -> VIEW + "/count?start=" + d10 + "&direction=OUT"),
                new H("count deg 10,000", "GET /count?start=A&direction=OUT", apiPort, r -> VIEW + "/count?start=" + a + "&direction=OUT"),
                new H("scan newest-20 OUT", "GET /scan?start=S&direction=OUT&index=recent&limit=20, random source", apiPort,
                        r -> VIEW + "/scan?start=" + ss[r.nextInt(ss.length)] + "&direction=OUT&index=recent&limit=20"),
                new H("reverse count", "GET /count?start=C&direction=IN (12,000 in-edges)", apiPort, r -> VIEW + "/count?start=" + c + "&direction=IN"),
                new H("reverse count (120k in)", "GET /count?start=C2&direction=IN (120,000 in-edges)", apiPort,
                        r -> VIEW + "/count?start=" + c2 + "&direction=IN"),
                new H("reverse newest-20", "GET /scan?start=C&direction=IN&index=recent&limit=20", apiPort,
                        r -> VIEW + "/scan?start=" + c + "&direction=IN&index=recent&limit=20"));
        // BENCH_ONLY=REGEX (or -Dbench.only): measure only the Sideview shapes whose name matches, for quick experiments.
        String only = System.getProperty("bench.only", System.getenv("BENCH_ONLY"));
        if (only != null) {
            shapes = shapes.stream().filter(h -> h.name().matches(only)).toList();
        }
        boolean withMutual = only == null || "mutual (full)".matches(only);
        List<HttpConn> mconns = new ArrayList<>();
        for (int i = 0; i < (withMutual ? conns : 0); i++) {
            mconns.add(new HttpConn("127.0.0.1", apiPort));
        }
        Shape<HttpConn> mutual = new Shape<>("mutual (full)",
                "GET /mutual?a=A&b=B&limit=1000, cursor followed to the end (5 pages, 5,000 ids); blocking client, one thread per connection",
                (x, r) -> mutualAll(x, a, b) == 5_000);
        int total = shapes.size() + (withMutual ? 1 : 0);
        System.out.printf("%s: warm-up %.0f s (all %d shapes in turn), then %.0f s per shape, %d connections (%d selector threads)%n",
                group, warmup, total, duration, conns, NIO_THREADS);
        for (H h : shapes) {
            NioLoad.run(h.port, conns, NIO_THREADS, h.path, warmup / total, false);
        }
        if (withMutual) {
            drive(group, mutual, mconns, warmup / total, false);
        }
        ArrayNode results = JSON.createArrayNode();
        for (H h : shapes) {
            NioLoad.Result res = NioLoad.run(h.port, conns, NIO_THREADS, h.path, duration, true);
            results.add(result(group, h.name, h.what, conns, res.histogram(), res.errors(), res.seconds(), true));
        }
        if (withMutual) {
            results.add(drive(group, mutual, mconns, duration, true));
        }
        // The trivial endpoint again, last: measured first it may run in a JVM the JIT has not finished
        // with, which would flatter every "% of the trivial endpoint" target. The report takes the better.
        H trivial = shapes.isEmpty() ? null : shapes.get(0);
        if (trivial != null && trivial.name().startsWith("trivial")) {
            NioLoad.Result res = NioLoad.run(trivial.port, conns, NIO_THREADS, trivial.path, duration, true);
            results.add(result(group, TRIVIAL_AGAIN, trivial.what, conns, res.histogram(), res.errors(), res.seconds(), true));
        }
        for (HttpConn x : mconns) {
            x.close();
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("group", group);
        doc.set("checks", checks);
        doc.set("results", results);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), doc);
    }

    // ---------------------------------------------------------------- MariaDB

    static final class DbCtx {
        final Connection[] shards;

        DbCtx(int[] ports) throws Exception {
            shards = new Connection[ports.length];
            for (int i = 0; i < ports.length; i++) {
                shards[i] = DriverManager.getConnection(jdbcUrl(ports[i]));
            }
        }

        Connection of(long source) {
            return shards[(int) (source % shards.length)];
        }
    }

    static long count(Connection c, String sql, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long[][] newest20(Connection c, long target) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT source, created_at FROM follows WHERE target = ? ORDER BY created_at DESC LIMIT 20")) {
            ps.setLong(1, target);
            List<long[]> rows = new ArrayList<>(20);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
            return rows.toArray(long[][]::new);
        }
    }

    static long[] targets(Connection c, long source) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("SELECT target FROM follows WHERE source = ? ORDER BY target")) {
            ps.setLong(1, source);
            long[] buf = new long[1024];
            int n = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (n == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, n * 2);
                    }
                    buf[n++] = rs.getLong(1);
                }
            }
            return java.util.Arrays.copyOf(buf, n);
        }
    }

    static void measureMariadb(Path dir, int[] ports, double warmup, double duration, int threads, Path out) throws Exception {
        JsonNode plan = JSON.readTree(dir.resolve("plan.json").toFile());
        long a = plan.get("a").asLong(), b = plan.get("b").asLong(), d10 = plan.get("d10").asLong(), c = plan.get("c").asLong(), c2 = plan.get("c2").asLong();
        long[] ss = JSON.convertValue(plan.get("sampleSource"), long[].class);
        long[] st = JSON.convertValue(plan.get("sampleTarget"), long[].class);
        ExecutorService pool = Executors.newFixedThreadPool(threads * ports.length);
        List<DbCtx> ctxs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            ctxs.add(new DbCtx(ports));
        }
        final String countOut = "SELECT COUNT(*) FROM follows WHERE source = ?";
        final String countIn = "SELECT COUNT(*) FROM follows WHERE target = ?";
        // scatter-gather: shards 1..n-1 on the pool, shard 0 on the calling thread, all in parallel
        interface PerShard<T> { T run(Connection c) throws Exception; }
        class Sg {
            <T> List<T> all(DbCtx x, PerShard<T> f) throws Exception {
                List<Future<T>> fs = new ArrayList<>();
                for (int i = 1; i < x.shards.length; i++) {
                    Connection sc = x.shards[i];
                    fs.add(pool.submit(() -> f.run(sc)));
                }
                List<T> res = new ArrayList<>();
                res.add(f.run(x.shards[0]));
                for (Future<T> fu : fs) {
                    res.add(fu.get());
                }
                return res;
            }
        }
        Sg sg = new Sg();
        ObjectNode checks = JSON.createObjectNode();
        DbCtx x0 = ctxs.get(0);
        checks.put("countOutA", count(x0.of(a), countOut, a));
        checks.put("countOutD10", count(x0.of(d10), countOut, d10));
        checks.put("countInC", sg.all(x0, sc -> count(sc, countIn, c)).stream().mapToLong(Long::longValue).sum());
        checks.put("countInC2", sg.all(x0, sc -> count(sc, countIn, c2)).stream().mapToLong(Long::longValue).sum());
        checks.put("mutualAB", intersect(targets(x0.of(a), a), targets(x0.of(b), b)));
        System.out.println("mariadb answer check: " + checks);
        List<Shape<DbCtx>> shapes = List.of(
                new Shape<>("get", "SELECT created_at FROM follows WHERE source=? AND target=? (shard of source)", (x, r) -> {
                    int i = r.nextInt(ss.length);
                    try (PreparedStatement ps = x.of(ss[i]).prepareStatement("SELECT created_at FROM follows WHERE source = ? AND target = ?")) {
                        ps.setLong(1, ss[i]);
                        ps.setLong(2, st[i]);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next();
                        }
                    }
                }),
                new Shape<>("count deg 10", "SELECT COUNT(*) FROM follows WHERE source=D10 (one shard)",
                        (x, r) -> count(x.of(d10), countOut, d10) == 10),
                new Shape<>("count deg 10,000", "SELECT COUNT(*) FROM follows WHERE source=A (one shard)",
                        (x, r) -> count(x.of(a), countOut, a) == 10_000),
                new Shape<>("scan newest-20 OUT", "SELECT target, created_at FROM follows WHERE source=? ORDER BY created_at DESC LIMIT 20 (one shard; no (source, created_at) index)", (x, r) -> {
                    long s = ss[r.nextInt(ss.length)];
                    try (PreparedStatement ps = x.of(s).prepareStatement(
                            "SELECT target, created_at FROM follows WHERE source = ? ORDER BY created_at DESC LIMIT 20")) {
                        ps.setLong(1, s);
                        int n = 0;
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                n++;
                            }
                        }
                        return n > 0;
                    }
                }),
                new Shape<>("reverse count", "SELECT COUNT(*) FROM follows WHERE target=C on all 4 shards in parallel, summed",
                        (x, r) -> sg.all(x, sc -> count(sc, countIn, c)).stream().mapToLong(Long::longValue).sum() == 12_000),
                new Shape<>("reverse count (120k in)", "SELECT COUNT(*) FROM follows WHERE target=C2 on all 4 shards in parallel, summed",
                        (x, r) -> sg.all(x, sc -> count(sc, countIn, c2)).stream().mapToLong(Long::longValue).sum() == plan.get("inC2").asLong()),
                new Shape<>("reverse newest-20", "SELECT source, created_at FROM follows WHERE target=C ORDER BY created_at DESC LIMIT 20 on all 4 shards in parallel, merged to the top 20", (x, r) -> {
                    List<long[]> merged = new ArrayList<>(80);
                    for (long[][] part : sg.all(x, sc -> newest20(sc, c))) {
                        merged.addAll(List.of(part));
                    }
                    merged.sort((p, q) -> Long.compare(q[1], p[1]));
                    return merged.subList(0, Math.min(20, merged.size())).size() == 20;
                }),
                new Shape<>("mutual (full)", "SELECT target FROM follows WHERE source=A ORDER BY target and the same for B (their two shards, in parallel), merge-intersected in the client", (x, r) -> {
                    Future<long[]> fb = pool.submit(() -> targets(x.of(b), b));
                    long[] ta = targets(x.of(a), a);
                    return intersect(ta, fb.get()) == 5_000;
                }));
        ArrayNode results = runGroup("mariadb", shapes, ctxs, warmup, duration);
        pool.shutdown();
        for (DbCtx x : ctxs) {
            for (Connection cn : x.shards) {
                cn.close();
            }
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("group", "mariadb");
        doc.set("checks", checks);
        doc.set("results", results);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), doc);
    }

    static int intersect(long[] x, long[] y) {
        int i = 0, j = 0, n = 0;
        while (i < x.length && j < y.length) {
            if (x[i] < y[j]) {
                i++;
            } else if (x[i] > y[j]) {
                j++;
            } else {
                n++;
                i++;
                j++;
            }
        }
        return n;
    }
}
