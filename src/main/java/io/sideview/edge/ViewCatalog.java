package io.sideview.edge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sideview.errors.Refused;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.ViewStatus;
import io.sideview.registry.api.ViewDescriptor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's current definitions as storage layouts, cached so reads and writes do not hit the
 * metadata DB. The registry invalidates an entry whenever the view changes, here or (announced by
 * its poller) on another node sharing the metadata DB; the short TTL is only a backstop. Loads race (a reload on change against a
 * load on use), so an entry is only ever replaced by an equal or later revision ({@link #newer}).
 */
public class ViewCatalog {
    private static final Duration TTL = Duration.ofSeconds(5);

    private final ViewRegistry registry;
    private final int saltBuckets;
    private final Cache<String, Entry> cache = Caffeine.newBuilder().expireAfterWrite(TTL).build();
    /** Newest known layout per storage id, for the lanes ({@link #latest}); never expires, only moves forward. */
    private final Map<Long, Entry> byId = new ConcurrentHashMap<>();

    /**
     * A view as the engine sees it: {@code layout} answers queries; {@code pending} (or null) is the
     * generation a replay builds, which every write reaches too but no query reads.
     */
    public record Entry(ViewDescriptor descriptor, ViewLayout layout, ViewLayout pending) {
        /** Where a write to the view goes: the generation queried and the one being built. */
        public List<ViewLayout> writeLayouts() {
            return pending == null ? List.of(layout) : List.of(layout, pending);
        }
    }

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
        Entry e = byId.get(layout.storageId());
        if (e == null) {
            return layout;
        }
        return e.pending() != null && e.pending().storageId() == layout.storageId() ? e.pending() : e.layout();
    }

    /**
     * The queried layout of view {@code viewId} when a view of that id is still named {@code name};
     * empty when it was deleted, or its name now belongs to another view. For jobs, which name the view.
     */
    public Optional<ViewLayout> current(long viewId, String name) {
        try {
            Entry e = any(name);
            return e.descriptor().id() == viewId ? Optional.of(e.layout()) : Optional.empty();
        } catch (Refused gone) {
            return Optional.empty();
        }
    }

    /**
     * The layout of generation {@code storageId} while view {@code name} still writes it (the queried
     * one, or the one a replay builds); empty when the view was deleted, replayed since, or its name
     * belongs to another view. For records written earlier (the WAL, the intake log, dead letters),
     * which must not be applied to another view or to a generation already replaced.
     */
    public Optional<ViewLayout> generation(long storageId, String name) {
        try {
            return any(name).writeLayouts().stream().filter(l -> l.storageId() == storageId).findFirst();
        } catch (Refused gone) {
            return Optional.empty();
        }
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
            ViewLayout pending = d.pendingStorageId() == null ? null : new ViewLayout(d.pendingStorageId(), d.definition(), saltBuckets);
            Entry loaded = new Entry(d, new ViewLayout(d.storageId(), d.definition(), saltBuckets), pending);
            // The later revision wins whatever the order the racing loads finish in, or the lanes
            // would apply with a revision already replaced.
            e = cache.asMap().merge(name, loaded, (old, neu) -> newer(neu.descriptor(), old.descriptor()) ? neu : old);
            for (ViewLayout l : e.writeLayouts()) {
                byId.merge(l.storageId(), e, (old, neu) -> newer(neu.descriptor(), old.descriptor()) ? neu : old);
            }
        }
        return e;
    }

    /**
     * Same view and an equal or later state (revision, then generation: a switch or a new pending one
     * comes with a later updated-at), or a view created later under the name (ids only grow).
     */
    private static boolean newer(ViewDescriptor candidate, ViewDescriptor current) {
        if (candidate.id() != current.id()) {
            return candidate.id() > current.id();
        }
        if (candidate.revision() != current.revision()) {
            return candidate.revision() > current.revision();
        }
        return !candidate.updatedAt().isBefore(current.updatedAt());
    }
}
