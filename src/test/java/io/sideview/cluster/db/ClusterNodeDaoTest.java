package io.sideview.cluster.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sideview.MetadataDatabases;
import io.sideview.MigratedJdbi;
import io.sideview.query.CursorSecrets;
import io.sideview.query.QueryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The node registry and the shared secrets on H2, PostgreSQL and MariaDB, with the real migrations. */
@Tag("integration")
class ClusterNodeDaoTest {
    @RegisterExtension
    final MigratedJdbi db = new MigratedJdbi();

    private Jdbi jdbi(MetadataDatabases engine) throws Exception {
        return db.open(engine, "cluster-dao-test");
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void aNodeRegistersBeatsIsTakenOverOnlyWhenSilentAndLeaves(MetadataDatabases engine) throws Exception {
        ClusterNodeDao dao = jdbi(engine).onDemand(ClusterNodeDao.class);
        NodeRow a = new NodeRow("host-a:8080", "i-1", "rocksdb", "none", "", 1_000, 1_000, "", "");
        dao.insert(a);
        assertThatThrownBy(() -> dao.insert(new NodeRow("host-a:8080", "i-2", "hbase", "kafka", "", 1_500, 1_500, "", "")))
                .as("one row per name").isInstanceOf(JdbiException.class);
        // What a node runs rides on its heartbeat; hundreds of shards fit (the columns are CLOBs).
        String many = String.join(",", java.util.stream.IntStream.range(0, 500).mapToObj(i -> "group_" + i + "/shard-" + i).toList());
        assertThat(dao.heartbeat("host-a:8080", "i-1", 2_000, many, "0,3,11")).isEqualTo(1);
        assertThat(dao.all()).singleElement().satisfies(r -> {
            assertThat(r.shards()).isEqualTo(many);
            assertThat(r.partitions()).isEqualTo("0,3,11");
        });
        assertThat(dao.heartbeat("host-a:8080", "i-1", 2_000, "friends/shard0", "")).isEqualTo(1);
        assertThat(dao.heartbeat("host-a:8080", "i-other", 2_000, "", "")).as("another process's beat").isZero();
        assertThat(dao.address("host-a:8080", "i-1", "http://host-a:8080")).isEqualTo(1);
        assertThat(dao.all()).containsExactly(new NodeRow("host-a:8080", "i-1", "rocksdb", "none", "http://host-a:8080", 1_000, 2_000,
                "friends/shard0", ""));

        NodeRow restarted = new NodeRow("host-a:8080", "i-2", "hbase", "kafka", "", 9_000, 9_000, "friends/shard1", "2");
        assertThat(dao.takeOver(restarted, 1_000)).as("the old heartbeat moved since it was read").isZero();
        assertThat(dao.takeOver(restarted, 2_000)).isEqualTo(1);
        assertThat(dao.all()).containsExactly(restarted);
        assertThat(dao.delete("host-a:8080", "i-1")).as("the old process's clean stop").isZero();
        assertThat(dao.delete("host-a:8080", "i-2")).isEqualTo(1);
        assertThat(dao.all()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void nodesStartingAtOnceAllGetTheSameCursorKey(MetadataDatabases engine) throws Exception {
        Jdbi jdbi = jdbi(engine);
        ClusterSecretDao secrets = jdbi.onDemand(ClusterSecretDao.class);
        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        List<CompletableFuture<String>> keys = IntStream.range(0, nodes).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try {
                together.await();
                return HexFormat.of().formatHex(CursorSecrets.resolve(QueryConfig.defaults(),
                        Files.createTempDirectory("sideview-node-" + i + "-"), secrets));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).toList();
        List<String> got = keys.stream().map(CompletableFuture::join).toList();
        assertThat(got).hasSize(nodes).allMatch(k -> k.equals(got.get(0)));
        assertThat(secrets.find("cursor-key")).contains(got.get(0));
        assertThat(secrets.putIfAbsent("cursor-key", "ff", 0)).as("written once").isEqualTo(got.get(0));
    }

    /** Owner epochs (fencing): nodes taking them at once each get their own, and they only grow. */
    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void ownerEpochsAreHandedOutOnceAndOnlyGrow(MetadataDatabases engine) throws Exception {
        CounterDao counters = jdbi(engine).onDemand(CounterDao.class);
        int nodes = 4;
        CyclicBarrier together = new CyclicBarrier(nodes);
        List<CompletableFuture<List<Long>>> taken = IntStream.range(0, nodes).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            try {
                together.await();
                List<Long> mine = new java.util.ArrayList<>();
                for (int k = 0; k < 25; k++) {
                    mine.add(counters.next(CounterDao.WAL_OWNER_EPOCH));
                }
                return mine;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).toList();
        List<Long> all = new java.util.ArrayList<>();
        for (CompletableFuture<List<Long>> f : taken) {
            List<Long> mine = f.join();
            assertThat(mine).as("one node's epochs grow").isSorted().doesNotHaveDuplicates();
            all.addAll(mine);
        }
        assertThat(all).doesNotHaveDuplicates().allMatch(e -> e >= 1 && e <= nodes * 25L);
        assertThat(counters.next(CounterDao.WAL_OWNER_EPOCH)).isEqualTo(nodes * 25L + 1);
        assertThatThrownBy(() -> counters.next("no-such-counter")).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(MetadataDatabases.class)
    void aSingleNodeKeyFileMovesIntoTheDatabase(MetadataDatabases engine) throws Exception {
        ClusterSecretDao secrets = jdbi(engine).onDemand(ClusterSecretDao.class);
        Path old = Files.createTempDirectory("sideview-old-node-");
        byte[] key = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        Files.writeString(old.resolve("cursor.key"), HexFormat.of().formatHex(key) + "\n");
        assertThat(CursorSecrets.resolve(QueryConfig.defaults(), old, secrets)).isEqualTo(key);
        assertThat(CursorSecrets.resolve(QueryConfig.defaults(), Files.createTempDirectory("sideview-new-node-"), secrets))
                .as("a node without the file signs with the same key").isEqualTo(key);
        Path other = Files.createTempDirectory("sideview-other-node-");
        Files.writeString(other.resolve("cursor.key"), "ff".repeat(32));
        assertThat(CursorSecrets.resolve(QueryConfig.defaults(), other, secrets)).as("the database's key wins").isEqualTo(key);
        assertThat(CursorSecrets.resolve(new QueryConfig("configured-secret-1", 0), old, secrets))
                .as("a configured secret is used as it is").isEqualTo("configured-secret-1".getBytes());
    }
}
