package io.sideview.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The backfill benchmark's stream (bench/backfill.sh): the ingest benchmark's workload
 * ({@link FriendsLoad}, one thread and connection per shard, its own users 2..~5,000, far from the
 * copied rows' ids) at a steady rate until the stop file appears; then writes what it committed.
 */
final class BackfillStream {
    private BackfillStream() {}

    static void run(int[] ports, double rate, Path stopFile, Path out) throws Exception {
        List<FriendsLoad> loads = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < ports.length; s++) {
            FriendsLoad l = new FriendsLoad(ports[s], s, ports.length, IngestBench.USERS_PER_SHARD, 0, rate / ports.length, 31 + s);
            Thread t = new Thread(l, "stream-shard" + s);
            t.setDaemon(true);
            t.start();
            loads.add(l);
            threads.add(t);
        }
        long start = System.nanoTime();
        while (!Files.exists(stopFile)) {
            Thread.sleep(200);
            IngestBench.committed(loads); // throws when a shard's load failed
        }
        loads.forEach(FriendsLoad::stop);
        for (Thread t : threads) {
            t.join(10_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long committed = IngestBench.committed(loads);
        long tx = 0;
        for (FriendsLoad l : loads) {
            tx += l.transactions.get();
        }
        ObjectNode r = Bench.JSON.createObjectNode();
        r.put("targetRate", rate);
        r.put("seconds", Math.round(seconds * 10) / 10.0);
        r.put("committed", committed);
        r.put("transactions", tx);
        r.put("rate", Math.round(committed / seconds));
        Files.writeString(out, Bench.JSON.writeValueAsString(r));
    }
}
