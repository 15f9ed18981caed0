package io.sideview.edge;

/**
 * Lets the write path stop taking new work and go on later where it stopped. What feeds the lanes
 * asks it before taking work: capture engines and history copies wait in {@link #awaitOpen} (their
 * source offsets are not committed meanwhile), the WAL consumer pauses its partitions, direct writes
 * are refused with 503, jobs wait before they start. Work already accepted goes
 * on: nothing accepted is dropped. Paused by the registry poller while the registry is unreadable.
 */
public final class ApplyGate {
    private String pausedBecause;
    private boolean stopping;

    /** Stops new work for {@code reason}; idempotent (the first reason stays). */
    public synchronized void pause(String reason) {
        if (pausedBecause == null) {
            pausedBecause = reason;
        }
    }

    public synchronized void resume() {
        pausedBecause = null;
        notifyAll();
    }

    /** Shutting down: waiters give up (throw) instead of blocking the stop, their work is not committed. */
    public synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    /** Why new work waits, or null when it does not. */
    public synchronized String pausedBecause() {
        return pausedBecause;
    }

    public synchronized boolean isOpen() {
        return pausedBecause == null;
    }

    /**
     * Returns at once when open, else waits until resumed. Throws {@link Stopped} when the service stops
     * meanwhile, so a waiting engine's batch fails uncommitted and is taken again at the next start.
     */
    public synchronized void awaitOpen() throws InterruptedException {
        while (pausedBecause != null) {
            if (stopping) {
                throw new Stopped(pausedBecause);
            }
            wait();
        }
    }

    /** The service stopped while work waited for the gate. */
    public static final class Stopped extends IllegalStateException {
        Stopped(String why) {
            super("stopping while paused (" + why + ")");
        }
    }
}
