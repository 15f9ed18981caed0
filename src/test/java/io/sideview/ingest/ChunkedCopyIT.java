package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import io.sideview.ServiceProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A history copy in small, throttled chunks, killed (SIGKILL) three times while it runs and a
 * workload writes: each restart resumes every shard's copy after its last chunk done (never from
 * the first row; the resumed BACKFILL job says after which chunk, at least the one the counters
 * showed before the kill), and the view ends equal to SQL with VERIFY exact.
 */
@Tag("integration")
class ChunkedCopyIT {
    private static final int ROWS_PER_SHARD = 12_000;
    private static final Pattern RESUMED = Pattern.compile("shard friends/(shard\\d), resumed after chunk (\\d+) \\((\\d+) rows\\)");

    @Test
    void aKilledCopyResumesAfterItsLastChunkDone() throws Exception {
        try (CdcTestApp cdc = new CdcTestApp("chunks", 260)) {
            int port = ServiceProcess.freePort();
            cdc.usePort(port);
            List<String> jvmArgs = List.of("-Ddw.sources.friends.copy.chunkRows=400",
                    "-Ddw.sources.friends.copy.rowsPerSecond=1500");
            FriendsWorkload workload = cdc.workload(11);
            workload.run(2000);
            // History beyond the workload's users: friends 0..149 of users from 1000 up (their IN side is checked).
            workload.bulkHistory(1000, 0, 150, ROWS_PER_SHARD, false);
            Process service = ServiceProcess.launch(cdc.config(), cdc.dir, port, cdc::http, jvmArgs);
            try {
                assertThat(cdc.http().post("/v1/views", Examples.text("friends-view.json")).status()).isEqualTo(201);
                CompletableFuture<Integer> load = workload.runAsync(6000);
                List<String> resumes = new ArrayList<>();
                for (int kill = 0; kill < 3; kill++) {
                    long[] before = awaitChunksBeyond(cdc, kill == 0 ? 2 : 0, resumes);
                    List<String> jobsBefore = new ArrayList<>(resumes);
                    for (JsonNode j : cdc.http().get("/v1/jobs?view=friends").json()) {
                        jobsBefore.add(j.get("id").asText());
                    }
                    service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    service = ServiceProcess.launch(cdc.config(), cdc.dir, port, cdc::http, jvmArgs);
                    // Each shard's copy resumes after at least the chunks the counters showed before the kill.
                    for (int s = 0; s < 2; s++) {
                        int shard = s;
                        long[] resumedAt = {-1};
                        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                            resumedAt[0] = newJobResumedAfter(cdc, "shard" + shard, jobsBefore, resumes);
                            return resumedAt[0] >= 0 || copyDone(cdc, "shard" + shard);
                        });
                        if (resumedAt[0] >= 0) {
                            assertThat(resumedAt[0]).as("kill %d, shard%d: resumed after chunk", kill + 1, shard)
                                    .isGreaterThanOrEqualTo(before[shard]).isPositive();
                        }
                    }
                }
                assertThat(resumes).as("resumed copies (job details)").hasSizeGreaterThanOrEqualTo(3);
                assertThat(load.get(5, TimeUnit.MINUTES)).isGreaterThanOrEqualTo(6000);
                Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> copyDone(cdc, "shard0") && copyDone(cdc, "shard1"));
                for (JsonNode c : cdc.http().get("/v1/ingest/copies").json()) {
                    // Not copied again from the start (that would add every row before each kill): only the
                    // chunks cut by the kills are read twice, plus workload rows deleted after their copy.
                    long rowsNow = count(cdc.shards.get(c.get("shard").asText().endsWith("0") ? 0 : 1));
                    assertThat(c.get("rowsCopied").asLong()).as(c.toString())
                            .isBetween((long) ROWS_PER_SHARD, rowsNow + 3 * 400L + 1_000L);
                }
                ViewVsSql.awaitExact(cdc::http, workload, "after three kills during the copy", 240);
                JsonNode started = cdc.http().post("/v1/jobs", "{\"type\":\"VERIFY\",\"view\":\"friends\"}").json();
                JsonNode verified = cdc.http().awaitJob(started.get("id").asLong());
                assertThat(verified.at("/result/exact").asBoolean()).as(verified.toString()).isTrue();
            } finally {
                service.destroyForcibly().waitFor();
            }
        }
    }

    /** Waits until both shards' copies did more than {@code chunks} chunks in this run; returns the counters. */
    private static long[] awaitChunksBeyond(CdcTestApp cdc, long chunks, List<String> seen) {
        long[] done = new long[2];
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode copies = cdc.http().get("/v1/ingest/copies").json();
            int running = 0;
            for (JsonNode c : copies) {
                int s = c.get("shard").asText().endsWith("0") ? 0 : 1;
                done[s] = c.get("chunksDone").asLong();
                long resumedAt = resumedAfter(cdc, c.get("shard").asText(), seen);
                if (c.get("status").asText().equals("RUNNING") && done[s] > Math.max(chunks, resumedAt) + 1) {
                    running++;
                }
            }
            return running == 2;
        });
        return done;
    }

    /** The chunk the newest BACKFILL job of the shard says it resumed after, or -1; records new ones in {@code seen}. */
    private static long resumedAfter(CdcTestApp cdc, String shard, List<String> seen) {
        for (JsonNode j : cdc.http().get("/v1/jobs?view=friends").json()) {
            String detail = j.path("detail").asText("");
            if (!j.get("type").asText().equals("BACKFILL") || !detail.contains(shard + ",")) {
                continue;
            }
            Matcher m = RESUMED.matcher(detail);
            if (!m.find()) {
                return -1;  // the newest copy job of this shard started from the first row
            }
            String key = j.get("id").asText();
            if (!seen.contains(key)) {
                seen.add(key);
            }
            return Long.parseLong(m.group(2));
        }
        return -1;
    }

    private static long count(MariaDbShard shard) throws Exception {
        try (var c = shard.root(); var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM social.friends")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Like {@link #resumedAfter}, for a BACKFILL job started after the kill (not one of {@code before}); -1 until there is one. */
    private static long newJobResumedAfter(CdcTestApp cdc, String shard, List<String> before, List<String> seen) {
        for (JsonNode j : cdc.http().get("/v1/jobs?view=friends").json()) {
            String detail = j.path("detail").asText("");
            if (!j.get("type").asText().equals("BACKFILL") || !detail.contains(shard + ",")) {
                continue;
            }
            if (before.contains(j.get("id").asText())) {
                return -1;
            }
            Matcher m = RESUMED.matcher(detail);
            assertThat(m.find()).as("a copy after a kill resumes: %s", detail).isTrue();
            if (!seen.contains(j.get("id").asText())) {
                seen.add(j.get("id").asText());
            }
            return Long.parseLong(m.group(2));
        }
        return -1;
    }

    private static boolean copyDone(CdcTestApp cdc, String shard) {
        for (JsonNode c : cdc.http().get("/v1/ingest/copies").json()) {
            if (c.get("shard").asText().equals(shard) && c.get("status").asText().equals("DONE")) {
                return true;
            }
        }
        return false;
    }
}
