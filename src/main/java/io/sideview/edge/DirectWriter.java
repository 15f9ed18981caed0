package io.sideview.edge;

import java.util.List;
import java.util.Map;

/**
 * Where a direct write's mutations go. On one node ({@code wal: none}) the intake log applies them
 * here, whole on every side across a crash; with {@code wal: kafka} they go through the WAL to the
 * node that owns each node side's partition, any node accepting them (design §10).
 */
public interface DirectWriter {
    /**
     * How one item ended: {@code status} ({@link ApplyStatus} names when applied here; {@code APPLIED} or
     * {@code ACCEPTED}, durable in the WAL and applied later, through the WAL), or why it failed (a
     * retry is idempotent).
     */
    record Outcome(String status, Throwable failure) {}

    /** What a caller waits for: the items applied (bounded), or only durable (through the WAL). */
    enum Wait {
        APPLIED, ACCEPTED
    }

    /** Every mutation of every view, in order, view after view: one outcome each. */
    List<Outcome> write(Map<ViewLayout, List<Mutation>> byView, Wait wait);

    /** One side of one edge alone (a WAL record kept as a dead letter, retried). */
    Outcome writeSide(SideMutation side, Wait wait);

    /** The intake log's way: applied here before the answer, whatever {@code wait} says. */
    static DirectWriter applyingHere(IntakeLog intake, EdgeWriter lanes, long timeoutMs) {
        return new DirectWriter() {
            @Override
            public List<Outcome> write(Map<ViewLayout, List<Mutation>> byView, Wait wait) {
                return intake.finish(intake.write(byView), timeoutMs).stream()
                        .map(o -> new Outcome(o.status() == null ? null : o.status().name(), o.failure())).toList();
            }

            @Override
            public Outcome writeSide(SideMutation side, Wait wait) {
                try {
                    ApplyStatus status = lanes.apply(side).get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
                    lanes.sync();
                    return new Outcome(status.name(), null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Outcome(null, e);
                } catch (java.util.concurrent.ExecutionException e) {
                    return new Outcome(null, e.getCause());
                } catch (java.util.concurrent.TimeoutException | RuntimeException e) {
                    return new Outcome(null, e);
                }
            }
        };
    }
}
