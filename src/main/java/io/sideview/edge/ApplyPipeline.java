package io.sideview.edge;

import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path's one lifecycle: the store, the apply lanes, the intake log, and what feeds the
 * lanes (capture engines, jobs, the WAL consumer and publisher). Start and stop order are written
 * here, not left to the order things were registered in:
 * <ul>
 *   <li>start: store, lanes, intake replay (a crash's half-applied direct writes are finished before
 *       anything new is accepted), then the WAL publisher, the WAL consumer, jobs, engines;</li>
 *   <li>stop: engines, jobs, WAL consumer, WAL publisher (nothing feeds the lanes any more), then the
 *       lanes finish what was queued and refuse the rest, then the store closes.</li>
 * </ul>
 * A part that fails to stop is logged and the rest still stop, so the store is always closed. The
 * {@link ApplyGate} pauses every feeder at once, without stopping any of them.
 */
public class ApplyPipeline implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ApplyPipeline.class);

    private final Managed store;
    private final EdgeWriter lanes;
    private final IntakeLog intake;
    private final ApplyGate gate;
    private Managed publisher;
    private Managed consumer;
    private Managed jobs;
    private Managed engines;

    public ApplyPipeline(Managed store, EdgeWriter lanes, IntakeLog intake, ApplyGate gate) {
        this.store = store;
        this.lanes = lanes;
        this.intake = intake;
        this.gate = gate;
    }

    /** Where what feeds the lanes asks whether it may take new work (paused while the registry is unreadable). */
    public ApplyGate gate() {
        return gate;
    }

    /** The capture engines (one managed object that runs all of them). */
    public ApplyPipeline engines(Managed m) {
        this.engines = m;
        return this;
    }

    public ApplyPipeline jobs(Managed m) {
        this.jobs = m;
        return this;
    }

    public ApplyPipeline walConsumer(Managed m) {
        this.consumer = m;
        return this;
    }

    public ApplyPipeline walPublisher(Managed m) {
        this.publisher = m;
        return this;
    }

    @Override
    public void start() throws Exception {
        store.start();
        lanes.start();
        intake.replay();
        for (Managed m : new Managed[] {publisher, consumer, jobs, engines}) {
            if (m != null) {
                m.start();
            }
        }
    }

    @Override
    public void stop() {
        // Work waiting at a paused gate gives up uncommitted instead of holding the stop.
        gate.stop();
        for (Managed m : new Managed[] {engines, jobs, consumer, publisher, lanes, store}) {
            if (m == null) {
                continue;
            }
            try {
                m.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("interrupted while stopping {}; stopping the rest", m.getClass().getSimpleName());
            } catch (Exception e) {
                LOG.error("{} failed to stop; stopping the rest", m.getClass().getSimpleName(), e);
            }
        }
    }
}
