package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.ServiceProcess;
import io.sideview.TestApps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Four clients write batches into a BOTH view while the packaged service is killed with SIGKILL. A
 * batch's OUT and IN sides live under other nodes, on other lanes: before the intake log, a kill
 * between the two commits left edges on one side only, which VERIFY reported and nothing repaired.
 * After the restart every acknowledged item must be there, and both sides must agree everywhere.
 */
@Tag("integration")
class DirectWriteCrashIT {
    private static final int CLIENTS = 4;
    private static final int BATCH = 50;
    private static final jakarta.ws.rs.client.Client CLIENT = JerseyClientBuilder.createClient();
    private static Process service;
    private static int port;

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.destroyForcibly().waitFor();
        }
        CLIENT.close();
    }

    static Http http() {
        return new Http(CLIENT, "http://127.0.0.1:" + port + "/api", null);
    }

    @Test
    void everyAcknowledgedItemIsWholeOnBothSidesAfterAKill() throws Exception {
        Path dir = TestApps.tempDir("sideview-direct-crash-");
        port = ServiceProcess.freePort();
        service = ServiceProcess.launch(Path.of("config.yml"), dir, port, DirectWriteCrashIT::http);
        assertThat(http().post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);

        // source -> targets of every batch answered 200
        Map<Long, List<Long>> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicLong batches = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread t = new Thread(() -> write(client, acknowledged, killed, batches));
            t.start();
            clients.add(t);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (batches.get() < 40 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        killed.set(true);
        for (Thread t : clients) {
            t.join(30_000);
        }
        assertThat(acknowledged).as("batches acknowledged before the kill").isNotEmpty();
        service = ServiceProcess.launch(Path.of("config.yml"), dir, port, DirectWriteCrashIT::http);

        Http.Reply started = http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"follows\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode verified = http().awaitJob(started.json().get("id").asLong());
        assertThat(verified.at("/result/sideMismatches").asLong()).as(verified.toString()).isZero();
        assertThat(verified.at("/result/exact").asBoolean()).as(verified.toString()).isTrue();
        for (var e : acknowledged.entrySet()) {
            StringBuilder q = new StringBuilder("/v1/views/follows/edge?source=" + e.getKey());
            e.getValue().forEach(t -> q.append("&target=").append(t));
            JsonNode edges = http().get(q.toString()).json().get("edges");
            Set<Long> found = new HashSet<>();
            edges.forEach(edge -> found.add(edge.get("target").asLong()));
            assertThat(found).as("acknowledged edges of %d", e.getKey()).containsAll(e.getValue());
        }
    }

    /** Batches of one fresh source each, so the OUT sides and the IN sides spread over every lane. */
    private static void write(int client, Map<Long, List<Long>> acknowledged, AtomicBoolean killed, AtomicLong batches) {
        Random random = new Random(client);
        for (long k = 0; !killed.get(); k++) {
            long source = client * 1_000_000L + k;
            List<Long> targets = new ArrayList<>();
            StringBuilder body = new StringBuilder("{\"mutations\":[");
            for (int i = 0; i < BATCH; i++) {
                long target = 10_000_000L + random.nextInt(5000) * BATCH + i;
                targets.add(target);
                body.append(i == 0 ? "" : ",").append("{\"type\":\"INSERT\",\"source\":").append(source)
                        .append(",\"target\":").append(target).append(",\"version\":").append(k + 1)
                        .append(",\"properties\":{\"created_at\":").append(k).append("}}");
            }
            body.append("]}");
            try {
                if (http().post("/v1/views/follows/mutations", body.toString()).status() == 200) {
                    acknowledged.put(source, targets);
                    batches.incrementAndGet();
                }
            } catch (RuntimeException refused) {
                // the service is down: the batch was not acknowledged
                sleep(20);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
