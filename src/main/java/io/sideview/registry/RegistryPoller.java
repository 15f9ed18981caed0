package io.sideview.registry;

import io.dropwizard.lifecycle.Managed;
import io.sideview.registry.db.ViewRow;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings changes made through other nodes sharing the metadata DB to this one: every
 * {@code pollInterval} it reads the registry's change counter, and when it moved, reads the views and
 * announces each one whose row differs from the last read (created, revised, (de)activated, deleted, a
 * generation begun, switched or dropped) exactly as a change made here is announced, so the catalog,
 * capture targets and jobs react the same way. A change made here is announced again by the next
 * poll: the listeners are idempotent (they reload what they hold).
 *
 * <p>A node that cannot read the registry must not go on applying with definitions it cannot
 * confirm: after {@code pauseAfter} of failed polls it pauses applying (and the {@code registry}
 * check fails); the first poll that reads again announces what changed meanwhile, then resumes.
 */
public final class RegistryPoller implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryPoller.class);

    /** What is polled: the change counter, and the views' rows (the registry's DAO). */
    public record Source(LongSupplier changeSeq, Supplier<List<ViewRow>> rows) {}

    /** What stops taking new work (with a reason) while the registry cannot be read, and resumes it: the write path's gate. */
    public record Pause(Consumer<String> pause, Runnable resume) {}

    /** What the {@code registry} check reports. */
    public record Status(boolean paused, long seq, long lastReadMillis, String lastError) {}

    private final Source source;
    private final Consumer<String> changed;
    private final Pause pause;
    private final LongSupplier millis;
    private final long intervalMs;
    private final long pauseAfterMs;
    private ScheduledExecutorService thread;
    // Written by the polling thread only (and start(), before it runs); read by the health check.
    private volatile long seenSeq = -1;
    private Map<String, ViewRow> seen = Map.of();
    private volatile long lastReadMillis;
    private volatile String lastError;
    private volatile boolean paused;
    /** Set once start() tried its first read: a starting point read later may miss what others loaded before it. */
    private volatile boolean started;

    public RegistryPoller(Source source, Consumer<String> changed, Pause pause, LongSupplier millis,
                          RegistryConfig config) {
        this.source = source;
        this.changed = changed;
        this.pause = pause;
        this.millis = millis;
        this.intervalMs = config.pollInterval().toMilliseconds();
        this.pauseAfterMs = config.pauseAfter().toMilliseconds();
        this.lastReadMillis = millis.getAsLong();
    }

    /**
     * Takes the registry as it is now as the starting point, before the write path starts and loads
     * what it needs (so a change committed after this is announced, never missed between the two).
     */
    @Override
    public void start() {
        poll();
        started = true;
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-poller");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::poll, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        if (thread != null) {
            // shutdown, not shutdownNow: an interrupt during an H2 file write closes the whole database
            // (ClosedByInterruptException), and what stops after this still needs it
            thread.shutdown();
            thread.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    public Status status() {
        return new Status(paused, seenSeq, lastReadMillis, lastError);
    }

    /** One poll; never throws (a failure is counted towards the pause). */
    void poll() {
        try {
            long seq = source.changeSeq().getAsLong();
            if (seq != seenSeq) {
                // The counter is read before the rows: a change committed between the two is in the rows and
                // moves the counter past seq, so the next poll reads again and finds nothing new. Never missed.
                Map<String, ViewRow> now = source.rows().get().stream()
                        .collect(Collectors.toMap(ViewRow::name, r -> r));
                if (seenSeq >= 0) {
                    // Announced before they count as seen: a listener failing (the DB went away meanwhile)
                    // makes the next poll announce them again.
                    differing(seen, now).forEach(changed);
                } else if (started) {
                    // The starting point could not be read at start: what the catalog and the engines loaded
                    // since is of unknown age, so every view is announced (the listeners reload; harmless).
                    new java.util.TreeSet<>(now.keySet()).forEach(changed);
                }
                seen = now;
                seenSeq = seq;
            }
            lastReadMillis = millis.getAsLong();
            lastError = null;
            if (paused) {
                paused = false;
                LOG.info("the registry is readable again (change {}); applying resumes", seq);
                pause.resume().run();
            }
        } catch (RuntimeException e) {
            lastError = e.toString();
            long failingFor = millis.getAsLong() - lastReadMillis;
            if (!paused && failingFor >= pauseAfterMs) {
                paused = true;
                LOG.warn("the registry has been unreadable for {} ms ({}); applying pauses until it reads again",
                        failingFor, lastError);
                pause.pause().accept("the registry is unreadable: " + lastError);
            }
        }
    }

    /** The names whose rows were added, removed or changed, in name order. */
    static Set<String> differing(Map<String, ViewRow> before, Map<String, ViewRow> after) {
        Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        Set<String> out = new LinkedHashSet<>();
        for (String name : names) {
            if (!Objects.equals(before.get(name), after.get(name))) {
                out.add(name);
            }
        }
        return out;
    }
}
