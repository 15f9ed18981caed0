package io.sideview.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates the data set: {@code randomEdges} edges whose sources and targets are both drawn from a
 * Zipf (power-law) distribution over {@code users} ids (exponent 0.8, ranks shuffled over the ids,
 * duplicates removed), plus planted nodes with exact degrees outside the random id range:
 * A and B (10,000 out-edges each, 5,000 targets in common; on different shards), D10 (10 out-edges)
 * C (12,000 in-edges from random users) and the celebrity C2 (120,000 in-edges from accounts that
 * follow nobody else). Writes edges.tsv (shuffled), shard0..3.tsv (by
 * source % 4) and plan.json (the planted ids, the expected answers and samples for get/scan).
 */
final class Gen {
    static final int SHARDS = 4;
    /** In-degree of the celebrity C2: the reverse-count baseline [72 qps] is a node this big. */
    static final int C2_IN = 120_000;
    static final double ZIPF_S = 0.8;
    static final long T0 = 1_700_000_000_000L;
    static final long SPAN = 365L * 24 * 3600 * 1000;

    static void run(Path dir, long randomEdges, long seed) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(seed);
        int users = (int) Math.max(20_000, randomEdges / 20);
        long a = users + 1L, b = users + 2L, d10 = users + 3L, c = users + 4L, c2 = users + 5L;
        double[] cdf = new double[users];
        double sum = 0;
        for (int k = 0; k < users; k++) {
            sum += Math.pow(k + 1, -ZIPF_S);
            cdf[k] = sum;
        }
        long[] rankToId = new long[users];
        for (int i = 0; i < users; i++) {
            rankToId[i] = i + 1;
        }
        shuffle(rankToId, rnd);

        long planted = 10_000 + 10_000 + 10 + 12_000 + C2_IN;
        long[] keys = new long[(int) (randomEdges + planted)];
        int n = 0;
        for (long i = 0; i < randomEdges; i++) {
            long s = rankToId[zipf(cdf, sum, rnd)];
            long t = rankToId[zipf(cdf, sum, rnd)];
            if (s != t) {
                keys[n++] = s << 32 | t;
            }
        }
        long[] targetsA = distinct(rnd, users, 15_000);
        for (int i = 0; i < 10_000; i++) {
            keys[n++] = a << 32 | targetsA[i];             // A: targets 0..9999
            keys[n++] = b << 32 | targetsA[i + 5_000];     // B: targets 5000..14999 -> 5,000 shared
        }
        long[] t10 = distinct(rnd, users, 10);
        for (long t : t10) {
            keys[n++] = d10 << 32 | t;
        }
        for (long s : distinct(rnd, users, 12_000)) {
            keys[n++] = s << 32 | c;
        }
        // C2, the celebrity: followed by C2_IN accounts that follow nobody else (ids above the planted ones).
        for (long i = 0; i < C2_IN; i++) {
            keys[n++] = (users + 10L + i) << 32 | c2;
        }
        long[] all = Arrays.copyOf(keys, n);
        Arrays.sort(all);
        int u = 0;
        for (int i = 0; i < all.length; i++) {
            if (u == 0 || all[i] != all[u - 1]) {
                all[u++] = all[i];
            }
        }
        all = Arrays.copyOf(all, u);
        shuffle(all, rnd);

        BufferedWriter[] shard = new BufferedWriter[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            shard[i] = Files.newBufferedWriter(dir.resolve("shard" + i + ".tsv"));
        }
        int maxOut = 0, maxIn = 0;
        Map<Long, Integer> outDeg = new java.util.HashMap<>(), inDeg = new java.util.HashMap<>();
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("edges.tsv"))) {
            for (long k : all) {
                long s = k >>> 32, t = k & 0xffffffffL;
                long created = T0 + rnd.nextLong(SPAN);
                String line = s + "\t" + t + "\t" + created + "\n";
                w.write(line);
                shard[(int) (s % SHARDS)].write(line);
                maxOut = Math.max(maxOut, outDeg.merge(s, 1, Integer::sum));
                maxIn = Math.max(maxIn, inDeg.merge(t, 1, Integer::sum));
            }
        }
        for (BufferedWriter w : shard) {
            w.close();
        }
        long over10kOut = outDeg.values().stream().filter(v -> v >= 10_000).count();
        long over10kIn = inDeg.values().stream().filter(v -> v >= 10_000).count();
        int samples = Math.min(20_000, all.length);
        long[] sampleS = new long[samples], sampleT = new long[samples];
        for (int i = 0; i < samples; i++) {
            long k = all[rnd.nextInt(all.length)];
            sampleS[i] = k >>> 32;
            sampleT[i] = k & 0xffffffffL;
        }
        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("edges", all.length);
        plan.put("randomEdgesAsked", randomEdges);
        plan.put("users", users);
        plan.put("zipfExponent", ZIPF_S);
        plan.put("nodesWithOutEdges", outDeg.size());
        plan.put("nodesWithInEdges", inDeg.size());
        plan.put("maxOutDegree", maxOut);
        plan.put("maxInDegree", maxIn);
        plan.put("nodesWith10kOut", over10kOut);
        plan.put("nodesWith10kIn", over10kIn);
        plan.put("a", a);
        plan.put("b", b);
        plan.put("d10", d10);
        plan.put("c", c);
        plan.put("outA", outDeg.get(a));
        plan.put("outB", outDeg.get(b));
        plan.put("outD10", outDeg.get(d10));
        plan.put("inC", inDeg.get(c));
        plan.put("c2", c2);
        plan.put("inC2", inDeg.get(c2));
        plan.put("mutualAB", 5_000);
        plan.put("sampleSource", sampleS);
        plan.put("sampleTarget", sampleT);
        new ObjectMapper().writeValue(dir.resolve("plan.json").toFile(), plan);
        System.out.printf("generated %,d edges (%,d users, Zipf s=%.1f): max out-degree %,d, max in-degree %,d, "
                        + "%d nodes with 10k+ out, %d with 10k+ in; planted A=%d B=%d (10,000 out, 5,000 shared), D10=%d, C=%d (12,000 in), C2=%d (%,d in)%n",
                all.length, users, ZIPF_S, maxOut, maxIn, over10kOut, over10kIn, a, b, d10, c, c2, C2_IN);
    }

    private static int zipf(double[] cdf, double sum, SplittableRandom rnd) {
        double x = rnd.nextDouble() * sum;
        int i = Arrays.binarySearch(cdf, x);
        return i >= 0 ? i : Math.min(-i - 1, cdf.length - 1);
    }

    private static long[] distinct(SplittableRandom rnd, int users, int count) {
        java.util.LinkedHashSet<Long> set = new java.util.LinkedHashSet<>();
        while (set.size() < count) {
            set.add(1 + (long) rnd.nextInt(users));
        }
        return set.stream().mapToLong(Long::longValue).toArray();
    }

    private static void shuffle(long[] x, SplittableRandom rnd) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
}
