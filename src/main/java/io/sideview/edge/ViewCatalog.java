package io.sideview.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sideview.errors.Refused;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewStatus;
import io.sideview.registry.api.ViewDescriptor;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's current definitions as storage layouts, cached so reads and writes do not hit the
 * metadata DB. The registry invalidates an entry whenever the view changes; a short TTL covers
 * changes made by another node sharing the metadata DB. Loads race (a reload on change against a
 * load on use), so an entry is only ever replaced by an equal or later revision ({@link #newer}).
 */
public class ViewCatalog {
    private static final Duration TTL = Duration.ofSeconds(5);

    private final ViewRegistry registry;
    private final int saltBuckets;
    private final Cache<String, Entry> cache = Caffeine.newBuilder().expireAfterWrite(TTL).build();
    /** Newest known layout per view id, for the lanes ({@link #latest}); never expires, only moves forward. */
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();

    /** A view as the engine sees it. */
    public record Entry(ViewDescriptor descriptor, ViewLayout layout) {}

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
        cache.invalidate(name);
        byId.values().removeIf(e -> e.descriptor().name().equals(name));
        try {
            any(name);
        } catch (Refused deleted) {
            // Deleted: nothing to cache.
        }
    }

    /** The salt buckets every layout uses (storage.saltBuckets). */
    public int saltBuckets() {
        return saltBuckets;
    }

    /** The newest known layout of the view {@code layout} belongs to; {@code layout} itself if none is known. */
    public ViewLayout latest(ViewLayout layout) {
        Entry e = byId.get(layout.viewId());
        return e == null ? layout : e.layout();
    }

    /**
     * The current layout of view {@code viewId} when a view of that id is still named {@code name};
     * empty when it was deleted, or its name now belongs to another view. For records written earlier
     * (the WAL, the intake log), which must not be applied to another view.
     */
    public Optional<ViewLayout> current(long viewId, String name) {
        ViewLayout layout;
        try {
            layout = any(name).layout();
        } catch (Refused gone) {
            return Optional.empty();
        }
        return layout.viewId() == viewId ? Optional.of(layout) : Optional.empty();
    }

    /** The view, active; 404 when unknown, 409 when deactivated. */
    public Entry active(String name) {
        Entry e = any(name);
        if (!ViewStatus.ACTIVE.name().equals(e.descriptor().status())) {
            throw Refused.conflict("view", "view '" + name + "' is " + e.descriptor().status()
                    + "; activate it to query or write");
        }
        return e;
    }

    /** The view whatever its status (ingestion keeps deactivated views exact); 404 when unknown. */
    public Entry any(String name) {
        Entry e = cache.getIfPresent(name);
        if (e == null) {
            ViewDescriptor d = registry.get(name);
            Entry loaded = new Entry(d, new ViewLayout(d.id(), d.definition(), saltBuckets));
            // The later revision wins whatever the order the racing loads finish in, or the lanes
            // would apply with a revision already replaced.
            e = cache.asMap().merge(name, loaded, (old, neu) -> newer(neu.descriptor(), old.descriptor()) ? neu : old);
            byId.merge(d.id(), e, (old, neu) -> newer(neu.descriptor(), old.descriptor()) ? neu : old);
        }
        return e;
    }

    /** Same view and an equal or later revision, or a view created later under the name (ids only grow). */
    private static boolean newer(ViewDescriptor candidate, ViewDescriptor current) {
        return candidate.id() != current.id() ? candidate.id() > current.id() : candidate.revision() >= current.revision();
    }
}
