package io.sideview.jobs.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;

/**
 * What a finished job found, or why it failed. Written as JSON to {@code jobs.result} and shown as
 * the job's {@code result}; the JSON field names are part of the API (docs/api.md, the web UI).
 */
public sealed interface JobResult permits JobResult.Verify, JobResult.Rebuild, JobResult.IndexBuild, JobResult.Failure {

    /**
     * What a pass over every node of a view found. {@code edges} counts active edges on one side only;
     * {@code sideMismatches} is null when the view keeps one side (nothing to compare);
     * {@code samples} names the first differences.
     */
    record Findings(long nodes, long edges, long countMismatches, long indexRowsMissing, long indexRowsStale,
                    long interruptedApplies, @JsonInclude(JsonInclude.Include.NON_NULL) Long sideMismatches,
                    List<String> samples) {
        public Findings {
            samples = List.copyOf(samples);
        }

        /** Nothing differs: counts, index rows and the two sides agree with the state records. */
        public boolean clean() {
            return countMismatches == 0 && indexRowsMissing == 0 && indexRowsStale == 0
                    && (sideMismatches == null || sideMismatches == 0);
        }
    }

    /** VERIFY: read only. */
    record Verify(@JsonUnwrapped Findings findings, boolean exact) implements JobResult {
        public Verify(Findings findings) {
            this(findings, findings.clean());
        }
    }

    /** REBUILD: what differed before it was rewritten; {@code repaired} when anything did. */
    record Rebuild(@JsonUnwrapped Findings findings, boolean wasExact, boolean repaired) implements JobResult {
        public Rebuild(Findings findings) {
            this(findings, findings.clean(), !findings.clean());
        }
    }

    /** INDEX_BUILD: the rows it wrote for the edges written before the index existed. */
    record IndexBuild(long nodes, long edges, long indexRowsWritten, long indexRowsStale) implements JobResult {}

    /** A job that did not finish: the reason. */
    record Failure(String error) implements JobResult {
        public Failure {
            error = error == null ? "unknown error" : error;
        }
    }
}
