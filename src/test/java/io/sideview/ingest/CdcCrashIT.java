package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import io.sideview.ServiceProcess;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * On every corner of the matrix, the packaged service is killed with SIGKILL (no clean shutdown)
 * three times, the first while the view's history copy runs, the others while a workload runs on the
 * shards, and restarted each time. Afterwards the view still equals SQL over both shards (nothing
 * lost: offsets are committed only after apply; nothing counted twice: apply is crash-exact), and
 * VERIFY finds every record exact with both sides of every edge equal (a copy batch cut between an
 * edge's two sides is finished from the intake log, never left half applied).
 */
@Tag("integration")
class CdcCrashIT {
    @ParameterizedTest
    @EnumSource(Corner.class)
    void killedThreeTimesDuringCopyAndWorkloadStaysExact(Corner corner) throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("crash" + corner.ordinal(), 200 + 10 * corner.ordinal())) {
            int port = ServiceProcess.freePort();
            cdc.usePort(port);
            List<String> jvmArgs = Corner.jvmArgs(corner.settings());
            FriendsWorkload workload = cdc.workload(7 + corner.ordinal());
            workload.run(3000);
            Process service = ServiceProcess.launch(cdc.config(), cdc.dir, port, cdc::http, jvmArgs);
            try {
                assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
                CompletableFuture<Integer> load = workload.runAsync(8000);
                for (long pause : new long[] {700, 2500, 2500}) {
                    Thread.sleep(pause);
                    service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    Thread.sleep(300);
                    service = ServiceProcess.launch(cdc.config(), cdc.dir, port, cdc::http, jvmArgs);
                }
                assertThat(load.get(5, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(8000);
                ViewVsSql.awaitExact(cdc::http, workload, corner + " after three kills and restarts", 240);

                JsonNode started = cdc.http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"friends\"}").json();
                JsonNode verified = cdc.http().awaitJob(started.get("id").asLong());
                assertThat(verified.at("/result/sideMismatches").asLong()).as(corner + ": " + verified).isZero();
                assertThat(verified.at("/result/exact").asBoolean()).as(corner + ": " + verified).isTrue();
            } finally {
                service.destroyForcibly().waitFor();
            }
        }
    }
}
