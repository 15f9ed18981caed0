package io.sideview.jobs;

import io.sideview.edge.EdgeWriter;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.ViewWalker;
import io.sideview.jobs.api.JobResult;
import io.sideview.jobs.db.JobRow;
import io.sideview.registry.ViewRegistry;
import io.sideview.storage.KeyRange;
import io.sideview.storage.KvStore;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Removes the records of deleted views from storage, in the background: a deleted view's id is
 * never reused, so its records are garbage, found by the view ids storage holds that the registry
 * no longer has ({@link ViewRegistry#knownIds}: only ids below the next one, so a view being created
 * is never touched). One PURGE job per such view id, queued after a delete and at start; a crash
 * midway leaves the rest, found again at the next start.
 */
final class StoragePurge implements JobWork {
    private final ViewRegistry registry;
    private final KvStore store;
    private final EdgeWriter writer;
    private final int saltBuckets;

    StoragePurge(ViewRegistry registry, KvStore store, EdgeWriter writer, int saltBuckets) {
        this.registry = registry;
        this.store = store;
        this.writer = writer;
        this.saltBuckets = saltBuckets;
    }

    /** View ids with records in storage that belong to no view any more. */
    List<Long> orphans() {
        ViewRegistry.KnownIds known = registry.knownIds();
        return ViewWalker.storedViewIds(store, saltBuckets).stream()
                .filter(id -> id < known.next() && !known.live().contains(id))
                .collect(Collectors.toList());
    }

    @Override
    public JobResult run(JobRow job, BooleanSupplier cancelled, JobLedger.Progress progress) throws Exception {
        if (!orphans().contains(job.viewId())) {
            return new JobResult.Purge(job.viewId(), 0); // purged already, or its view exists again
        }
        // Applies queued before the delete may still write the view's records: let them land first.
        ViewAuditRun.await(writer.barrier());
        long deleted = 0;
        List<KeyRange> ranges = ViewLayout.recordsOf(job.viewId(), saltBuckets);
        progress.total(ranges.size());
        int done = 0;
        for (KeyRange range : ranges) {
            deleted += store.deleteRange(range);
            progress.done(++done);
        }
        return new JobResult.Purge(job.viewId(), deleted);
    }
}
