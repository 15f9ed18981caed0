package io.sideview.cluster;

import io.dropwizard.lifecycle.Managed;
import io.sideview.cluster.db.ClusterNodeDao;
import io.sideview.cluster.db.NodeRow;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row in {@code cluster_nodes}: checked and registered on start (before anything else of the
 * node starts: it is the first managed object), refreshed every heartbeat interval, deleted on a clean stop.
 * A start that {@link Admission} refuses fails with the reason.
 */
public final class ClusterNodes implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodes.class);

    private final ClusterNodeDao dao;
    private final NodeIdentity self;
    private final long intervalMs;
    private final long timeoutMs;
    private final Clock clock;
    private volatile String address;
    private volatile long lastBeat;
    private volatile boolean registered;
    private volatile Supplier<Holdings> holdings = () -> Holdings.NONE;
    private ScheduledExecutorService heartbeats;

    public ClusterNodes(ClusterNodeDao dao, NodeIdentity self, ClusterConfig config, String address, Clock clock) {
        this.dao = dao;
        this.self = self;
        this.intervalMs = config.heartbeatInterval().toMilliseconds();
        this.timeoutMs = config.nodeTimeout().toMilliseconds();
        this.address = address;
        this.clock = clock;
    }

    public NodeIdentity self() {
        return self;
    }

    /** When this node last wrote its heartbeat (epoch ms); 0 before it registered. */
    public long lastHeartbeat() {
        return lastBeat;
    }

    public long nodeTimeoutMs() {
        return timeoutMs;
    }

    /**
     * Where this node reads what it runs (shards and WAL partitions), written with every heartbeat; set
     * once ingestion is wired, which happens after this object (it must start first). Until then: nothing.
     */
    public void holdings(Supplier<Holdings> source) {
        this.holdings = source;
    }

    /** What this node runs now (not as of its last heartbeat). */
    public Holdings holdings() {
        return holdings.get();
    }

    @Override
    public void start() throws Exception {
        List<NodeRow> rows = awaitNoLiveConflict();
        register(rows);
        // Two nodes that checked at the same moment both registered: each sees the other now, and both
        // refuse (fail-safe: which start was first cannot be told from clocks that may disagree).
        List<Conflict> after = Admission.conflicts(self, dao.all(), clock.millis(), timeoutMs);
        if (!after.isEmpty()) {
            dao.delete(self.name(), self.instance());
            throw refused(after.get(0));
        }
        registered = true;
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cluster-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeats.scheduleWithFixedDelay(this::beat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        LOG.info("Registered node '{}' (storage {}, wal {}) in cluster_nodes", self.name(), self.storage(), self.wal());
    }

    /**
     * A live-looking row may be a node that died less than nodeTimeout ago (this very node before a crash,
     * say): watch it for that long. A heartbeat that moves meanwhile proves the other node runs: refuse at
     * once; one that stays put ages out, and the start goes on.
     */
    private List<NodeRow> awaitNoLiveConflict() throws InterruptedException {
        long deadline = clock.millis() + timeoutMs + intervalMs;
        Map<String, Long> firstSeen = new HashMap<>();
        while (true) {
            List<NodeRow> rows = dao.all();
            List<Conflict> conflicts = Admission.conflicts(self, rows, clock.millis(), timeoutMs);
            if (conflicts.isEmpty()) {
                return rows;
            }
            for (Conflict c : conflicts) {
                String key = c.other().name() + "/" + c.other().instance();
                if (!firstSeen.containsKey(key)) {
                    firstSeen.put(key, c.other().heartbeatAt());
                    LOG.info("Waiting up to {} ms for node '{}' to prove live (refused) or age out (dead): {}",
                            timeoutMs, c.other().name(), c.reason());
                }
                if (c.other().heartbeatAt() > firstSeen.get(key) || clock.millis() > deadline) {
                    throw refused(c);
                }
            }
            Thread.sleep(Math.min(intervalMs, 500));
        }
    }

    private void register(List<NodeRow> rows) {
        long now = clock.millis();
        NodeRow mine = self.row(address, now, now, holdings.get());
        Optional<NodeRow> old = rows.stream().filter(r -> r.name().equals(self.name())).findFirst();
        if (old.isPresent()) {
            // Conditional on the old heartbeat: a process of this name that beat meanwhile keeps its row.
            if (dao.takeOver(mine, old.get().heartbeatAt()) == 0) {
                throw nameTaken();
            }
        } else {
            try {
                dao.insert(mine);
            } catch (JdbiException e) {
                if (dao.all().stream().anyMatch(r -> r.name().equals(self.name()))) {
                    throw nameTaken();
                }
                throw e;
            }
        }
        lastBeat = now;
    }

    private void beat() {
        long now = clock.millis();
        try {
            Holdings holds = holdings.get();
            if (dao.heartbeat(self.name(), self.instance(), now, holds.shardsColumn(), holds.partitionsColumn()) == 1) {
                lastBeat = now;
                return;
            }
            // Our row is gone (deleted by hand) or another process of our name took it over after our
            // heartbeats failed for longer than nodeTimeout; insert fails in the second case.
            LOG.error("This node's row in cluster_nodes is gone or was taken over by another process named '{}'; "
                    + "registering again", self.name());
            dao.insert(self.row(address, now, now, holds));
            lastBeat = now;
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat of node '{}' failed: {}", self.name(), e.getMessage());
        }
    }

    /** The address clients reach this node at, once the server listens (the configured port may be 0). */
    public void address(String actual) {
        address = actual;
        if (registered) {
            dao.address(self.name(), self.instance(), actual);
        }
    }

    @Override
    public void stop() throws Exception {
        if (heartbeats != null) {
            // shutdown, not shutdownNow: an interrupt during an H2 file write closes the whole database
            // (ClosedByInterruptException), and what stops after this still needs it
            heartbeats.shutdown();
            heartbeats.awaitTermination(5, TimeUnit.SECONDS);
        }
        if (!registered) {
            return;
        }
        registered = false;
        try {
            dao.delete(self.name(), self.instance());
            LOG.info("Node '{}' left cluster_nodes", self.name());
        } catch (RuntimeException e) {
            LOG.warn("Node '{}' could not delete its cluster_nodes row ({}); it blocks no start once older than {} ms",
                    self.name(), e.getMessage(), timeoutMs);
        }
    }

    private IllegalStateException nameTaken() {
        return new IllegalStateException("Node '" + self.name() + "' refused to start: another process registered "
                + "the node name '" + self.name() + "' just now; two nodes must not share a name (set cluster.nodeName)");
    }

    private IllegalStateException refused(Conflict c) {
        return new IllegalStateException("Node '" + self.name() + "' refused to start: " + c.reason());
    }
}
