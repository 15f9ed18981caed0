package io.sideview.edge;

import io.sideview.api.ProblemException;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewStatus;
import io.sideview.registry.api.ViewDescriptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's current definitions as storage layouts, cached so reads and writes do not hit the
 * metadata DB. The registry invalidates an entry whenever the view changes; a short TTL covers
 * changes made by another node sharing the metadata DB.
 */
public class ViewCatalog {
    private static final long TTL_NANOS = 5_000_000_000L;

    private final ViewRegistry registry;
    private final int saltBuckets;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final Map<Long, ViewLayout> byId = new ConcurrentHashMap<>();

    /** A view as the engine sees it. */
    public record Entry(ViewDescriptor descriptor, ViewLayout layout, long loadedAt) {}

    public ViewCatalog(ViewRegistry registry, int saltBuckets) {
        this.registry = registry;
        this.saltBuckets = saltBuckets;
        registry.onChange(this::reload);
    }

    /**
     * Loads a changed view at once (not on next use), so that when the registry call returns, the apply
     * lanes already write with the new revision (see {@link #latest}).
     */
    private void reload(String name) {
        cache.remove(name);
        byId.values().removeIf(l -> l.definition().name().equals(name));
        try {
            any(name);
        } catch (ProblemException deleted) {
            // Deleted: nothing to cache.
        }
    }

    /** The newest known layout of the view {@code layout} belongs to; {@code layout} itself if none is known. */
    public ViewLayout latest(ViewLayout layout) {
        ViewLayout l = byId.get(layout.viewId());
        return l == null ? layout : l;
    }

    /** The view, active; 404 when unknown, 409 when deactivated. */
    public Entry active(String name) {
        Entry e = any(name);
        if (!ViewStatus.ACTIVE.name().equals(e.descriptor().status())) {
            throw ProblemException.conflict("view", "view '" + name + "' is " + e.descriptor().status()
                    + "; activate it to query or write");
        }
        return e;
    }

    /** The view whatever its status (ingestion keeps deactivated views exact); 404 when unknown. */
    public Entry any(String name) {
        Entry e = cache.get(name);
        if (e == null || System.nanoTime() - e.loadedAt() > TTL_NANOS) {
            ViewDescriptor d = registry.get(name);
            e = new Entry(d, new ViewLayout(d.id(), d.definition(), saltBuckets), System.nanoTime());
            cache.put(name, e);
            byId.put(d.id(), e.layout());
        }
        return e;
    }
}
