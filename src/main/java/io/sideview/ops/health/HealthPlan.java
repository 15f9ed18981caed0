package io.sideview.ops.health;

import io.dropwizard.health.HealthCheckConfiguration;
import io.dropwizard.health.HealthCheckType;
import io.dropwizard.health.Schedule;
import io.dropwizard.util.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which registered health checks count for liveness and which for readiness. Dropwizard's health block
 * schedules only the checks it names, and the shard checks ({@code cdc-<group>-<shard>}) follow the
 * {@code sources} of each deployment: a list written by hand would silently leave a new shard out of
 * readiness. So every registered check that {@code health.healthChecks} does not name gets an entry
 * here: {@value #DEADLOCKS} is liveness (only a restart cures a deadlock), every other check (metadata
 * DB, storage, Kafka, shards, draining) is critical readiness (a restart cures none of them, but a
 * load balancer should stop sending queries meanwhile), except {@value #ADVISORY}: readiness, not critical
 * (a shard no live node runs is the cluster's problem, and failing readiness for it would take every node
 * out of the load balancer at once; it shows in the check list and {@code /healthcheck}). Entries the
 * YAML gives win.
 */
public final class HealthPlan {
    /** Dropwizard's own thread-deadlock check. */
    static final String DEADLOCKS = "deadlocks";
    /** The one check that reports without deciding readiness: {@code cluster.OrphanedShardsHealthCheck}. */
    static final String ADVISORY = io.sideview.cluster.OrphanedShardsHealthCheck.NAME;

    private HealthPlan() {}

    /** The configured entries, then one for each registered check they leave out, in name order. */
    public static List<HealthCheckConfiguration> complete(List<HealthCheckConfiguration> configured,
                                                          Set<String> registered, Duration interval) {
        List<HealthCheckConfiguration> out = new ArrayList<>(configured);
        Set<String> named = new TreeSet<>();
        configured.forEach(c -> named.add(c.getName()));
        for (String name : new TreeSet<>(registered)) {
            if (!named.contains(name)) {
                out.add(entry(name, interval));
            }
        }
        return out;
    }

    static HealthCheckConfiguration entry(String name, Duration interval) {
        HealthCheckConfiguration c = new HealthCheckConfiguration();
        c.setName(name);
        c.setType(DEADLOCKS.equals(name) ? HealthCheckType.ALIVE : HealthCheckType.READY);
        c.setCritical(!ADVISORY.equals(name));
        // One failed run flips readiness and one good run restores it: the load balancer's own
        // thresholds smooth flapping, and a drain must show at the next run, not after three.
        Schedule s = new Schedule();
        s.setCheckInterval(interval);
        s.setDowntimeInterval(interval);
        s.setInitialDelay(Duration.milliseconds(0));
        s.setFailureAttempts(1);
        s.setSuccessAttempts(1);
        c.setSchedule(s);
        return c;
    }
}
