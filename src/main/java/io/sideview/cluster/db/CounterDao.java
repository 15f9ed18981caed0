package io.sideview.cluster.db;

import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Counters every node shares (table {@code cluster_counters}): each value is handed out once. */
public interface CounterDao {
    /** The counter WAL appliers take their owner epoch from (see {@code ingest.WalConsumer}). */
    String WAL_OWNER_EPOCH = "wal-owner-epoch";

    @SqlUpdate("UPDATE cluster_counters SET counter_value = counter_value + 1 WHERE name = :name")
    int bump(String name);

    @SqlQuery("SELECT counter_value FROM cluster_counters WHERE name = :name")
    long value(String name);

    /**
     * The counter's next value, never handed out before: the update's row lock holds until the read
     * in the same transaction, so two nodes taking one at once get two values.
     */
    @Transaction
    default long next(String name) {
        if (bump(name) != 1) {
            throw new IllegalStateException("no counter '" + name + "' in cluster_counters (migrations not run?)");
        }
        return value(name);
    }
}
