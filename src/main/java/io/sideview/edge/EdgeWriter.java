package io.sideview.edge;

import io.dropwizard.lifecycle.Managed;
import io.sideview.storage.KvStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Routes every apply of a (view, side, node) to one lane, a single thread, so each node side has a
 * single writer and needs no lock: hot nodes serialize only with themselves, other nodes proceed
 * on the other lanes. Used by direct writes and, later, by the in-process ingest applier.
 */
public class EdgeWriter implements Managed {
    private final SideApplier applier;
    private final ExecutorService[] lanes;

    public EdgeWriter(KvStore store, int laneCount) {
        this.applier = new SideApplier(store);
        this.lanes = new ExecutorService[laneCount];
        for (int i = 0; i < laneCount; i++) {
            int lane = i;
            lanes[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "edge-apply-" + lane);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** Applies to every side the view keeps; the future completes with the OUT side's status (IN for IN-only views). */
    public CompletableFuture<ApplyStatus> apply(ViewLayout layout, Mutation m) {
        List<CompletableFuture<ApplyStatus>> sides = new ArrayList<>(2);
        if (layout.definition().direction().keepsOut()) {
            sides.add(submit(layout, Side.OUT, m));
        }
        if (layout.definition().direction().keepsIn()) {
            sides.add(submit(layout, Side.IN, m));
        }
        return CompletableFuture.allOf(sides.toArray(CompletableFuture[]::new)).thenApply(v -> sides.get(0).join());
    }

    /** One side only: the Kafka WAL carries one record per (view, side, node). */
    public CompletableFuture<ApplyStatus> applySide(ViewLayout layout, Side side, Mutation m) {
        return submit(layout, side, m);
    }

    private CompletableFuture<ApplyStatus> submit(ViewLayout layout, Side side, Mutation m) {
        Object node = side == Side.OUT ? m.source() : m.target();
        int lane = Math.floorMod(31 * (31 * Long.hashCode(layout.viewId()) + side.code) + node.hashCode(), lanes.length);
        return CompletableFuture.supplyAsync(() -> applier.apply(layout, side, m), lanes[lane]);
    }

    @Override
    public void stop() throws InterruptedException {
        for (ExecutorService lane : lanes) {
            lane.shutdown();
        }
        for (ExecutorService lane : lanes) {
            lane.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
