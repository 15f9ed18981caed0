package io.sideview.ingest.db;

import io.sideview.ingest.DeadLetterKind;
import io.sideview.ingest.DeadLetterStatus;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Dead letters: written before the change's offset is committed, so a poison row is never lost. */
@RegisterConstructorMapper(DeadLetterRow.class)
public interface DeadLetterDao {

    @SqlUpdate("UPDATE id_allocator SET next_value = next_value + 1 WHERE name = 'dead_letter'")
    int bump();

    @SqlQuery("SELECT next_value FROM id_allocator WHERE name = 'dead_letter'")
    long counter();

    @SqlUpdate("""
            INSERT INTO dead_letters (id, view_id, view_name, kind, shard, position, reason, payload, status, attempts,
                                      created_at, updated_at)
            VALUES (:id, :viewId, :viewName, :kind, :shard, :position, :reason, :payload, 'PENDING', 1, :now, :now)""")
    void insert(long id, Long viewId, String viewName, DeadLetterKind kind, String shard, String position, String reason,
                String payload, long now);

    @Transaction
    default long add(Long viewId, String viewName, DeadLetterKind kind, String shard, String position, String reason,
                     String payload, long now) {
        bump();
        long id = counter() - 1;
        insert(id, viewId, viewName, kind, shard, position, reason, payload, now);
        return id;
    }

    @SqlQuery("SELECT * FROM dead_letters WHERE status = :status AND id > :after ORDER BY id LIMIT :limit")
    List<DeadLetterRow> list(DeadLetterStatus status, long after, int limit);

    @SqlQuery("SELECT * FROM dead_letters WHERE id = :id")
    Optional<DeadLetterRow> find(long id);

    @SqlQuery("SELECT COUNT(*) FROM dead_letters WHERE status = 'PENDING'")
    long pending();

    @SqlUpdate("UPDATE dead_letters SET status = :status, reason = :reason, attempts = attempts + 1, updated_at = :now WHERE id = :id")
    int update(long id, DeadLetterStatus status, String reason, long now);
}
