package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.Examples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Registry changes reach running engines, and a quiet shard loses nothing across a restart:
 * a second view on an already captured table gets its history and changes without an engine
 * restart; a shard whose engine never saw a captured change still resumes where it was (heartbeats
 * commit its position), so rows written while the service was down arrive after the restart.
 */
@Tag("integration")
class CdcReconfigureIntegrationTest {
    private static CdcTestApp cdc;

    @BeforeAll
    static void start() throws Exception {
        cdc = new CdcTestApp("r", 501);
    }

    @AfterAll
    static void stop() throws Exception {
        cdc.close();
    }

    @Test
    void secondViewOnACapturedTableAndAQuietShardAcrossARestart() throws Exception {
        FriendsWorkload workload = cdc.workload(3);
        // Only shard 0 (even users) has rows at first: shard 1's engine will have seen nothing.
        for (int u = 0; u < 10; u += 2) {
            cdc.shards.get(0).execute("INSERT INTO social.friends (user_id, friend_id, created_at, updated_at) VALUES ("
                    + u + ", " + (u + 1) + ", " + (1000 + u) + ", 1)");
        }
        cdc.startApp();
        assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
        ViewVsSql.awaitExact(cdc::http, workload, "after the first copy", 120);
        Thread.sleep(3000);

        cdc.stopApp();
        for (int u = 1; u < 10; u += 2) {
            cdc.shards.get(1).execute("INSERT INTO social.friends (user_id, friend_id, created_at, updated_at) VALUES ("
                    + u + ", " + (u + 1) + ", " + (2000 + u) + ", 1)");
        }
        cdc.startApp();
        ViewVsSql.awaitExact(cdc::http, workload, "after a restart with rows written on the quiet shard while down", 120);

        workload.run(800);
        String second = Examples.json("friends-view.json").put("name", "friends_copy").toString();
        assertThat(cdc.http().post("/v1/views", second).status()).isEqualTo(201);
        workload.run(800);
        ViewVsSql.awaitExact(cdc::http, workload, "friends_copy", "for the second view on the same table", 120);
        ViewVsSql.awaitExact(cdc::http, workload, "friends", "for the first view", 60);
    }
}
