package io.sideview.edge;

/**
 * A batch refused by storage because a newer owner has written some of its node sides: this node
 * lost their WAL partitions (a long pause, a cut from Kafka) and must not land anything there. The
 * batch's other node sides may have been written; each write is an idempotent in-order apply of
 * records the new owner applies again, so nothing depends on which.
 */
public final class Fenced extends IllegalStateException {
    public Fenced(int refused, int sides, long epoch) {
        super(refused + " of " + sides + " node sides refused epoch " + epoch
                + ": a newer owner writes them (this node lost their WAL partitions)");
    }
}
