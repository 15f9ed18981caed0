package io.sideview.ingest.db;

import io.sideview.ingest.CopyStatus;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Which views have their history copied from which shard, and how far a running copy got. */
@RegisterConstructorMapper(CopyRow.class)
public interface BackfillDao {

    @SqlQuery("SELECT * FROM view_backfills WHERE view_id = :viewId AND shard = :shard")
    Optional<CopyRow> find(long viewId, String shard);

    @SqlQuery("SELECT * FROM view_backfills ORDER BY view_id, shard")
    List<CopyRow> list();

    default Optional<CopyStatus> status(long viewId, String shard) {
        return find(viewId, shard).map(CopyRow::status);
    }

    @SqlUpdate("DELETE FROM view_backfills WHERE view_id = :viewId AND shard = :shard")
    void remove(long viewId, String shard);

    @SqlUpdate("""
            INSERT INTO view_backfills (view_id, shard, status, position, rows_copied, chunks_done, started_at, updated_at)
            VALUES (:viewId, :shard, 'RUNNING', NULL, 0, 0, :now, :now)""")
    void insert(long viewId, String shard, long now);

    /** A copy from the start: no chunk done. */
    @Transaction
    default void begin(long viewId, String shard, long now) {
        boolean repair = find(viewId, shard).map(CopyRow::repairAfter).orElse(false);
        remove(viewId, shard);
        insert(viewId, shard, now);
        repairAfter(viewId, shard, repair);
    }

    /** Recorded only once every row of the chunk is durable in the view: a resume starts after it. */
    @SqlUpdate("""
            UPDATE view_backfills SET position = :position, last_key = :lastKey, rows_copied = :rows,
              chunks_done = :chunks, updated_at = :now
            WHERE view_id = :viewId AND shard = :shard""")
    void chunkDone(long viewId, String shard, String position, String lastKey, long rows, long chunks, long now);

    @SqlUpdate("UPDATE view_backfills SET estimate = :estimate, updated_at = :now WHERE view_id = :viewId AND shard = :shard")
    void estimate(long viewId, String shard, long estimate, long now);

    @SqlUpdate("""
            UPDATE view_backfills SET status = :status, error = :error, updated_at = :now
            WHERE view_id = :viewId AND shard = :shard""")
    void status(long viewId, String shard, CopyStatus status, String error, long now);

    /**
     * The view's history is copied again from this shard from the first row (its stream lost
     * events), and then repaired against the source: a copy cannot see rows deleted meanwhile.
     */
    @Transaction
    default void recopy(long viewId, String shard, long now) {
        remove(viewId, shard);
        insert(viewId, shard, now);
        repairAfter(viewId, shard, true);
    }

    @SqlUpdate("UPDATE view_backfills SET repair_after = :repair WHERE view_id = :viewId AND shard = :shard")
    void repairAfter(long viewId, String shard, boolean repair);

    /** A cancelled copy may run again: it resumes after its last chunk done. */
    @SqlUpdate("UPDATE view_backfills SET status = 'FAILED', error = NULL, updated_at = :now WHERE view_id = :viewId AND status = 'CANCELLED'")
    int allowResume(long viewId, long now);
}
