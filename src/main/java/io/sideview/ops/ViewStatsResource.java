package io.sideview.ops;

import com.codahale.metrics.annotation.Timed;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.sideview.auth.Roles;
import io.sideview.edge.Side;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.ViewWalker;
import io.sideview.ingest.IngestService;
import io.sideview.ingest.api.ShardStatus;
import io.sideview.ops.api.ViewStats;
import io.sideview.registry.model.Binding;
import io.sideview.storage.KvStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/views/{view}/stats}: record counts and lag for the UI's view list and for
 * operators. Counting reads one count row per node, so answers are cached for {@link #TTL_MILLIS}.
 */
@Path("/v1/views")
@Produces(MediaType.APPLICATION_JSON)
public class ViewStatsResource {
    static final long TTL_MILLIS = 5_000;

    private final ViewCatalog catalog;
    private final KvStore store;
    private final IngestService ingest;
    private final Clock clock;
    /** By view id; computed once per view however many ask at once (each is a walk of the view's count rows). */
    private final Cache<Long, ViewStats> cache = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMillis(TTL_MILLIS)).maximumSize(10_000).build();

    public ViewStatsResource(ViewCatalog catalog, KvStore store, IngestService ingest, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.ingest = ingest;
        this.clock = clock;
    }

    @GET
    @Path("/{view}/stats")
    @Timed
    @RolesAllowed({Roles.ADMIN, Roles.READER})
    public ViewStats stats(@PathParam("view") String view) {
        ViewCatalog.Entry e = catalog.any(view);
        return cache.get(e.layout().storageId(), id -> compute(e.layout()));
    }

    private ViewStats compute(ViewLayout layout) {
        Map<String, Long> nodes = new LinkedHashMap<>();
        Long edges = null;
        for (Side side : Side.sidesOf(layout.definition().direction())) {
            ViewWalker.Totals t = ViewWalker.totals(store, layout, side);
            nodes.put(side.name(), t.nodes());
            if (edges == null) {
                edges = t.edges();
            }
        }
        Binding b = layout.definition().binding();
        Long lag = null;
        if (b != null) {
            for (ShardStatus s : ingest.status().shards()) {
                if (s.group().equals(b.sourceGroup()) && s.lagMs() != null) {
                    lag = lag == null ? s.lagMs() : Math.max(lag, s.lagMs());
                }
            }
        }
        return new ViewStats(layout.definition().name(), b != null, edges == null ? 0 : edges, nodes, lag,
                b == null ? null : b.sourceGroup(), Instant.ofEpochMilli(clock.millis()));
    }
}
