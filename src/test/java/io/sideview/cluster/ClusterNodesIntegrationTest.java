package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.cluster.db.ClusterNodeDao;
import io.sideview.cluster.db.NodeRow;
import io.sideview.ops.MigrationGuard;
import io.dropwizard.db.DataSourceFactory;
import com.codahale.metrics.MetricRegistry;
import jakarta.ws.rs.client.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Nodes on one metadata DB (a shared H2 file), each with its own data dir: a second node on RocksDB and
 * wal none is refused while the first runs and starts once it stopped; a silent row blocks nothing once it
 * is older than nodeTimeout; a scan cursor from one node continues on another.
 */
@Tag("integration")
class ClusterNodesIntegrationTest {
    private final Path shared = TestApps.tempDir("sideview-cluster-db-");
    private final String url = "jdbc:h2:file:" + shared.resolve("metadata") + ";WRITE_DELAY=0";
    private final Client client = JerseyClientBuilder.createClient();

    @AfterEach
    void close() {
        client.close();
    }

    private DropwizardTestSupport<SideviewConfiguration> node(String name, Path dataDir, String... storageAndWal) {
        // Not TestApps.overrides: its database.url (an H2 file under the data dir) would win over ours.
        return new DropwizardTestSupport<>(SideviewApplication.class, TestApps.CONFIG, ConfigOverride.randomPorts(),
                ConfigOverride.config("database.url", url),
                ConfigOverride.config("storage.dataDir", dataDir.toString()),
                ConfigOverride.config("cluster.nodeName", name),
                ConfigOverride.config("cluster.heartbeatInterval", "100ms"),
                ConfigOverride.config("cluster.nodeTimeout", "2s"),
                ConfigOverride.config("storage.type", storageAndWal.length > 0 ? storageAndWal[0] : "rocksdb"),
                ConfigOverride.config("wal.mode", storageAndWal.length > 0 ? storageAndWal[1] : "none"));
    }

    private Http http(DropwizardTestSupport<SideviewConfiguration> app) {
        return new Http(client, "http://127.0.0.1:" + app.getLocalPort() + "/api", null);
    }

    private List<NodeRow> rows() {
        return Jdbi.create(url, "sa", "").installPlugin(new SqlObjectPlugin()).onDemand(ClusterNodeDao.class).all();
    }

    private static void assertRefused(DropwizardTestSupport<SideviewConfiguration> app, String... reason) {
        try {
            assertThatThrownBy(app::before).hasStackTraceContaining("refused to start").satisfies(e -> {
                for (String r : reason) {
                    assertThat(e).hasStackTraceContaining(r);
                }
            });
        } finally {
            app.after();
        }
    }

    @Test
    void aSecondSingleNodeIsRefusedWhileTheFirstRunsAndACursorContinuesOnAnotherNode() throws Exception {
        Path dataA = TestApps.tempDir("sideview-node-a-");
        DropwizardTestSupport<SideviewConfiguration> a = node("node-a", dataA);
        a.before();
        String cursor;
        List<Long> seen = new ArrayList<>();
        try {
            assertThat(rows()).singleElement().satisfies(r -> {
                assertThat(r.name()).isEqualTo("node-a");
                assertThat(r.storage()).isEqualTo("rocksdb");
                assertThat(r.wal()).isEqualTo("none");
                assertThat(r.address()).endsWith(":" + a.getLocalPort());
            });
            assertRefused(node("node-b", TestApps.tempDir("sideview-node-b-")),
                    "Node 'node-b' refused to start: storage rocksdb and wal none are single-node", "live node 'node-a'");
            assertRefused(node("node-a", TestApps.tempDir("sideview-node-a2-")), "node name 'node-a' is taken");
            // Refused before it opens anything: the registry check is the first thing a node starts, so
            // the HBase and Kafka it names need not exist.
            assertRefused(node("node-h", TestApps.tempDir("sideview-node-h-"), "hbase", "kafka"),
                    "storage rocksdb and wal none are single-node: live node 'node-a'",
                    "this cluster node (storage hbase, wal kafka) may not join it");
            assertThat(rows()).extracting(NodeRow::name).containsExactly("node-a");

            Http h = http(a);
            assertThat(h.post("/v1/views", Examples.text("follows-view.json")).status()).isEqualTo(201);
            StringBuilder batch = new StringBuilder("{\"mutations\":[");
            for (int t = 0; t < 5; t++) {
                batch.append(t == 0 ? "" : ",").append("{\"type\":\"INSERT\",\"source\":100,\"target\":").append(200 + t)
                        .append(",\"version\":1,\"properties\":{\"created_at\":").append(t).append("}}");
            }
            assertThat(h.post("/v1/views/follows/mutations", batch.append("]}").toString()).status()).isEqualTo(200);
            JsonNode page = h.get("/v1/views/follows/scan?start=100&index=recent&limit=2").json();
            page.get("edges").forEach(e -> seen.add(e.get("target").asLong()));
            cursor = page.get("next").asText();
        } finally {
            a.after();
        }
        assertThat(rows()).as("a clean stop deletes the row").isEmpty();

        // Node b has its own data dir (a copy of a's records, standing in for storage both would share)
        // and no cursor.key: it signs and checks with the key in the metadata DB.
        Path dataB = TestApps.tempDir("sideview-node-b-");
        copy(dataA.resolve("records"), dataB.resolve("records"));
        DropwizardTestSupport<SideviewConfiguration> b = node("node-b", dataB);
        b.before();
        try {
            assertThat(rows()).extracting(NodeRow::name).containsExactly("node-b");
            while (cursor != null) {
                Http.Reply reply = http(b).get("/v1/views/follows/scan?start=100&index=recent&limit=2&cursor="
                        + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
                reply.json().get("edges").forEach(e -> seen.add(e.get("target").asLong()));
                cursor = reply.json().get("next").isNull() ? null : reply.json().get("next").asText();
            }
            assertThat(seen).containsExactlyInAnyOrder(200L, 201L, 202L, 203L, 204L);
            assertThat(dataB.resolve("cursor.key")).doesNotExist();
        } finally {
            b.after();
        }
    }

    @Test
    void aSilentRowBlocksNothingOnceOlderThanTheTimeout() throws Exception {
        DataSourceFactory db = new DataSourceFactory();
        db.setDriverClass("org.h2.Driver");
        db.setUrl(url);
        db.setUser("sa");
        db.setPassword("");
        MigrationGuard.run(db, new MetricRegistry(), true);
        ClusterNodeDao dao = Jdbi.create(url, "sa", "").installPlugin(new SqlObjectPlugin()).onDemand(ClusterNodeDao.class);
        long now = System.currentTimeMillis();
        dao.insert(new NodeRow("long-dead", "i-1", "hbase", "kafka", "", now - 120_000, now - 60_000, "", ""));
        // Died a moment ago, as far as anyone can tell: its heartbeat does not move, so the start waits
        // for it to age out instead of refusing.
        dao.insert(new NodeRow("just-crashed", "i-2", "rocksdb", "none", "", now - 5_000, now - 500, "", ""));
        DropwizardTestSupport<SideviewConfiguration> c = node("node-c", TestApps.tempDir("sideview-node-c-"));
        long start = System.currentTimeMillis();
        c.before();
        try {
            assertThat(System.currentTimeMillis() - start).as("waited for just-crashed to age out").isGreaterThanOrEqualTo(1_400);
            assertThat(rows()).extracting(NodeRow::name).containsExactly("just-crashed", "long-dead", "node-c");
        } finally {
            c.after();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
