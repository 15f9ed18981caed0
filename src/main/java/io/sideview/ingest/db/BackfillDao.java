package io.sideview.ingest.db;

import io.sideview.ingest.CopyStatus;
import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Which views already have their history copied from which shard. */
public interface BackfillDao {

    @SqlQuery("SELECT status FROM view_backfills WHERE view_id = :viewId AND shard = :shard")
    Optional<CopyStatus> status(long viewId, String shard);

    @SqlUpdate("DELETE FROM view_backfills WHERE view_id = :viewId AND shard = :shard")
    void remove(long viewId, String shard);

    @SqlUpdate("""
            INSERT INTO view_backfills (view_id, shard, status, position, rows_copied, started_at, updated_at)
            VALUES (:viewId, :shard, 'RUNNING', :position, 0, :now, :now)""")
    void insert(long viewId, String shard, String position, long now);

    @Transaction
    default void begin(long viewId, String shard, String position, long now) {
        remove(viewId, shard);
        insert(viewId, shard, position, now);
    }

    @SqlUpdate("UPDATE view_backfills SET status = :status, rows_copied = :rows, updated_at = :now WHERE view_id = :viewId AND shard = :shard")
    void progress(long viewId, String shard, CopyStatus status, long rows, long now);
}
