package io.sideview.jobs.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * What a finished job found, or why it failed. Written as JSON to {@code jobs.result} and shown as
 * the job's {@code result}; the JSON field names are part of the API (docs/api.md, the web UI).
 */
public sealed interface JobResult permits JobResult.Verify, JobResult.Rebuild, JobResult.IndexBuild, JobResult.Failure,
        JobResult.SourceVerify, JobResult.Repair, JobResult.Purge, JobResult.Replay {

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

    /** What differs between a view and its source, by kind; every kind is always listed (0 when none). */
    enum DifferenceKind {
        /** The source has the edge (active), the view does not (absent, or deleted). */
        MISSING_EDGE,
        /** The view has the edge active, the source does not (no row, or a soft-deleted one). */
        GHOST_EDGE,
        /** Both have the edge; a property value differs. */
        PROPERTY,
        /** A node side's count row differs from the source's number of active edges. */
        COUNT,
        /** An index row of an active edge is absent or holds another state. */
        INDEX_MISSING,
        /** An index row with no active edge behind it. */
        INDEX_STALE,
        /** The OUT and IN records of one edge hold different states. */
        SIDES_DISAGREE
    }

    /**
     * One difference: its kind, the side and node whose records differ, the edge's other end (null for
     * a node's count or index rows), and what the source says against what the view holds.
     */
    record Difference(DifferenceKind kind, String side, Object node, Object other, String detail) {}

    /**
     * SOURCE_VERIFY: {@code nodes} node sides compared, {@code edges} active edges the source has on
     * them, {@code rows} source rows read; {@code differences} totals by kind; {@code unconfirmed} nodes
     * that kept changing (a later change explained each difference seen) and could not be settled
     * within the re-check bound: not differences; {@code unmappable} rows the binding cannot map (they
     * are dead letters, never edges); {@code samples} the first difference of each kind, then the next
     * ones. {@code exact}: no difference, and no node left unconfirmed.
     */
    record SourceVerify(long nodes, long edges, long rows, Map<DifferenceKind, Long> differences, long unconfirmed,
                        long unmappable, List<Difference> samples, boolean exact) implements JobResult {
        public SourceVerify {
            differences = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(differences));
            samples = List.copyOf(samples);
        }

        public long total() {
            return differences.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * REPAIR: what a verify found ({@code before}), what was written from the rows read ({@code upserts},
     * {@code deletes} at v(P) - 1, node sides whose count and index rows were rewritten, edges whose
     * two sides were joined), and a verify run after it ({@code after}); {@code exact} is the latter's.
     */
    record Repair(SourceVerify before, long upserts, long deletes, long nodesRewritten, long sidesJoined,
                  SourceVerify after, boolean exact) implements JobResult {}

    /** PURGE: the view id whose records were removed, and how many records. */
    record Purge(long viewId, long recordsDeleted) implements JobResult {}

    /**
     * REPLAY: the generation queries left ({@code fromStorageId}, its records purged) and the one they
     * read now, with the rows copied into it from the shards.
     */
    record Replay(long fromStorageId, long toStorageId, long rowsCopied, long recordsPurged) implements JobResult {}

    /** A job that did not finish: the reason. */
    record Failure(String error) implements JobResult {
        public Failure {
            error = error == null ? "unknown error" : error;
        }
    }
}
