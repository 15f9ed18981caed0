package io.sideview.jobs.db;

import io.sideview.jobs.IndexBuildState;
import io.sideview.jobs.JobState;
import io.sideview.jobs.JobType;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Jobs and index-build states in the metadata DB. */
@RegisterConstructorMapper(JobRow.class)
public interface JobDao {

    @SqlUpdate("UPDATE id_allocator SET next_value = next_value + 1 WHERE name = 'job'")
    int bump();

    @SqlQuery("SELECT next_value FROM id_allocator WHERE name = 'job'")
    long counter();

    @SqlUpdate("""
            INSERT INTO jobs (id, type, view_id, view_name, detail, state, total, done, created_at, updated_at, params)
            VALUES (:id, :type, :viewId, :viewName, :detail, :state, :total, 0, :now, :now, :params)""")
    void insert(long id, JobType type, long viewId, String viewName, String detail, JobState state, Long total, long now,
                String params);

    default long add(JobType type, long viewId, String viewName, String detail, JobState state, Long total, long now) {
        return add(type, viewId, viewName, detail, state, total, now, null);
    }

    /** {@code params}: the client's options as JSON, or null. */
    @Transaction
    default long add(JobType type, long viewId, String viewName, String detail, JobState state, Long total, long now,
                     String params) {
        bump();
        long id = counter() - 1;
        insert(id, type, viewId, viewName, detail, state, total, now, params);
        return id;
    }

    @SqlUpdate("UPDATE jobs SET state = 'RUNNING', started_at = :now, updated_at = :now WHERE id = :id")
    void start(long id, long now);

    @SqlUpdate("UPDATE jobs SET done = :done, total = :total, updated_at = :now WHERE id = :id")
    void progress(long id, long done, Long total, long now);

    @SqlUpdate("UPDATE jobs SET done = :done, total = :total, last_node = :lastNode, updated_at = :now WHERE id = :id")
    void progressAt(long id, long done, Long total, String lastNode, long now);

    @SqlUpdate("UPDATE jobs SET state = :state, done = :done, result = :result, updated_at = :now, finished_at = :now WHERE id = :id")
    void finish(long id, JobState state, long done, String result, long now);

    @SqlQuery("SELECT * FROM jobs WHERE id = :id")
    Optional<JobRow> find(long id);

    @SqlQuery("SELECT * FROM jobs WHERE id < :before ORDER BY id DESC LIMIT :limit")
    List<JobRow> list(long before, int limit);

    @SqlQuery("SELECT * FROM jobs WHERE view_name = :view AND id < :before ORDER BY id DESC LIMIT :limit")
    List<JobRow> listForView(String view, long before, int limit);

    /** An index build that failed or was stopped is queued again: its index stays unusable until built. */
    @SqlUpdate("""
            UPDATE jobs SET state = 'QUEUED', updated_at = :now
            WHERE state IN ('FAILED', 'CANCELLED') AND id IN (SELECT job_id FROM index_builds WHERE state = 'PENDING')""")
    int requeuePendingIndexBuilds(long now);

    /** Queues one failed index build again, if its index is still waiting for it. */
    @SqlUpdate("""
            UPDATE jobs SET state = 'QUEUED', updated_at = :now
            WHERE id = :id AND state = 'FAILED' AND id IN (SELECT job_id FROM index_builds WHERE state = 'PENDING')""")
    int requeueIndexBuild(long id, long now);

    @SqlQuery("SELECT * FROM jobs WHERE state IN ('QUEUED', 'RUNNING') ORDER BY id")
    List<JobRow> unfinished();

    @SqlQuery("SELECT index_id FROM index_builds WHERE view_id = :viewId AND state = 'READY'")
    List<Integer> readyIndexes(long viewId);

    @SqlQuery("SELECT index_id FROM index_builds WHERE view_id = :viewId")
    List<Integer> knownIndexes(long viewId);

    @SqlUpdate("INSERT INTO index_builds (view_id, index_id, state, job_id, updated_at) VALUES (:viewId, :indexId, :state, :jobId, :now)")
    void insertIndexBuild(long viewId, int indexId, IndexBuildState state, Long jobId, long now);

    @SqlUpdate("UPDATE index_builds SET state = :state, job_id = :jobId, updated_at = :now WHERE view_id = :viewId AND index_id = :indexId")
    void updateIndexBuild(long viewId, int indexId, IndexBuildState state, Long jobId, long now);
}
