package io.sideview.ingest.db;

import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/**
 * Each shard's stream epoch (0 until its binlog position is first lost): the engine's offsets and
 * schema history are named by it, so a new epoch is a new stream from the shard's current position.
 */
public interface ShardStreamDao {

    @SqlQuery("SELECT epoch FROM shard_streams WHERE source_group = :group AND shard = :shard")
    Optional<Integer> epoch(String group, String shard);

    @SqlUpdate("INSERT INTO shard_streams (source_group, shard, epoch, reason, reset_at) VALUES (:group, :shard, 1, :reason, :now)")
    void first(String group, String shard, String reason, long now);

    @SqlUpdate("UPDATE shard_streams SET epoch = epoch + 1, reason = :reason, reset_at = :now WHERE source_group = :group AND shard = :shard")
    int next(String group, String shard, String reason, long now);

    /** Starts the shard's next epoch; returns it. */
    @Transaction
    default int reset(String group, String shard, String reason, long now) {
        String why = reason.length() <= 1000 ? reason : reason.substring(0, 1000);
        if (next(group, shard, why, now) == 0) {
            first(group, shard, why, now);
        }
        return epoch(group, shard).orElseThrow();
    }
}
