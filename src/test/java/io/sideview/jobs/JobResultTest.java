package io.sideview.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sideview.Examples;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.api.JobResult.Findings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON of job results is API (docs/api.md, the web UI): flat fields, named as documented. */
class JobResultTest {

    private static JsonNode json(JobResult r) {
        return Examples.MAPPER.valueToTree(r);
    }

    @Test
    void aVerifyIsFlatAndSaysWhetherTheViewIsExact() {
        Findings clean = new Findings(4, 2, 0, 0, 0, 0, 0L, List.of());
        assertThat(json(new JobResult.Verify(clean)).toString()).isEqualTo(
                "{\"nodes\":4,\"edges\":2,\"countMismatches\":0,\"indexRowsMissing\":0,\"indexRowsStale\":0,"
                        + "\"interruptedApplies\":0,\"sideMismatches\":0,\"samples\":[],\"exact\":true}");
        Findings drift = new Findings(4, 2, 1, 0, 0, 0, null, List.of("OUT 1: count 3 but 2 active edges"));
        JsonNode verify = json(new JobResult.Verify(drift));
        assertThat(verify.get("exact").asBoolean()).isFalse();
        assertThat(verify.has("sideMismatches")).as("one side kept: nothing to compare").isFalse();
        assertThat(verify.get("samples").get(0).asText()).startsWith("OUT 1");
    }

    @Test
    void aRebuildSaysWhatItFoundAndWhetherItRepaired() {
        JsonNode rebuilt = json(new JobResult.Rebuild(new Findings(4, 2, 0, 1, 0, 0, 1L, List.of())));
        assertThat(rebuilt.get("wasExact").asBoolean()).isFalse();
        assertThat(rebuilt.get("repaired").asBoolean()).isTrue();
        assertThat(rebuilt.get("indexRowsMissing").asLong()).isEqualTo(1);
        assertThat(rebuilt.has("exact")).isFalse();
        JsonNode nothing = json(new JobResult.Rebuild(new Findings(4, 2, 0, 0, 0, 0, 0L, List.of())));
        assertThat(nothing.get("wasExact").asBoolean()).isTrue();
        assertThat(nothing.get("repaired").asBoolean()).isFalse();
    }

    @Test
    void anIndexBuildAndAFailureHaveTheirOwnFields() {
        assertThat(json(new JobResult.IndexBuild(4, 2, 3, 0)).toString())
                .isEqualTo("{\"nodes\":4,\"edges\":2,\"indexRowsWritten\":3,\"indexRowsStale\":0}");
        assertThat(json(new JobResult.Failure(null)).toString()).isEqualTo("{\"error\":\"unknown error\"}");
    }
}
