package io.sideview.storage;

import io.sideview.edge.ViewLayout;

/** What tests count in storage directly: the records of one view generation (storage id). */
public final class StoredRecords {
    private StoredRecords() {}

    public static long count(KvStore store, long storageId, int saltBuckets) {
        long n = 0;
        for (KeyRange r : ViewLayout.recordsOf(storageId, saltBuckets)) {
            n += store.scan(r, false, Integer.MAX_VALUE).size();
        }
        return n;
    }
}
