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
            INSERT INTO jobs (id, type, view_id, view_name, detail, state, total, done, created_at, updated_at, params,
                              owner, lease_expires)
            VALUES (:id, :type, :viewId, :viewName, :detail, :state, :total, 0, :now, :now, :params, :owner, :leaseExpires)""")
    void insert(long id, JobType type, long viewId, String viewName, String detail, JobState state, Long total, long now,
                String params, String owner, Long leaseExpires);

    /** A job with no owner, as rows written before leases were: any node may claim it. */
    default long add(JobType type, long viewId, String viewName, String detail, JobState state, Long total, long now) {
        return add(type, viewId, viewName, detail, state, total, now, null, null, null);
    }

    /**
     * {@code params}: the client's options as JSON, or null. Held by {@code owner} until {@code leaseExpires}
     * from the first moment: a job inserted without one could be claimed by another node before its own.
     */
    @Transaction
    default long add(JobType type, long viewId, String viewName, String detail, JobState state, Long total, long now,
                     String params, String owner, Long leaseExpires) {
        bump();
        long id = counter() - 1;
        insert(id, type, viewId, viewName, detail, state, total, now, params, owner, leaseExpires);
        return id;
    }

    /**
     * An index build's job and its PENDING row in one transaction: when another node queued the same
     * index first, the row's primary key refuses this one and the job goes with it (no orphan job).
     */
    @Transaction
    default long addIndexBuild(long viewId, String viewName, int indexId, String indexName, long now, String owner,
                               long leaseExpires) {
        long job = add(JobType.INDEX_BUILD, viewId, viewName, indexName, JobState.QUEUED, null, now, null, owner, leaseExpires);
        insertIndexBuild(viewId, indexId, IndexBuildState.PENDING, job, now);
        return job;
    }

    // The writes of a job's run land only while {@code owner} still holds it: once another node took it
    // over (this one's lease expired: a long pause, a partition from the DB), they change nothing and
    // return 0, and the run stops.

    @SqlUpdate("UPDATE jobs SET state = 'RUNNING', started_at = :now, updated_at = :now WHERE id = :id AND owner = :owner")
    int start(long id, String owner, long now);

    @SqlUpdate("UPDATE jobs SET done = :done, total = :total, updated_at = :now WHERE id = :id AND owner = :owner")
    int progress(long id, String owner, long done, Long total, long now);

    @SqlUpdate("""
            UPDATE jobs SET done = :done, total = :total, last_node = :lastNode, updated_at = :now
            WHERE id = :id AND owner = :owner""")
    int progressAt(long id, String owner, long done, Long total, String lastNode, long now);

    @SqlUpdate("""
            UPDATE jobs SET done = :done, total = :total, last_node = :lastNode, checkpoint = :checkpoint, updated_at = :now
            WHERE id = :id AND owner = :owner""")
    int checkpoint(long id, String owner, long done, Long total, String lastNode, String checkpoint, long now);

    @SqlUpdate("""
            UPDATE jobs SET state = :state, done = :done, result = :result, updated_at = :now, finished_at = :now
            WHERE id = :id AND owner = :owner""")
    int finish(long id, String owner, JobState state, long done, String result, long now);

    /** A tracked job's progress, written by whichever node drives it now. */
    @SqlUpdate("UPDATE jobs SET done = :done, total = :total, updated_at = :now WHERE id = :id")
    int progressAny(long id, long done, Long total, long now);

    /** A tracked job's end (a history copy, a replay), written by whichever node drives it now. */
    @SqlUpdate("""
            UPDATE jobs SET state = :state, done = :done, result = :result, updated_at = :now, finished_at = :now
            WHERE id = :id""")
    int finishAny(long id, JobState state, long done, String result, long now);

    /**
     * Takes an unfinished job for {@code owner} until {@code until}: only when nobody holds it, this owner
     * does, or its holder's lease expired before {@code now}. One UPDATE with its row count, so of two
     * nodes claiming at once exactly one gets 1 (the row lock orders them; the second re-reads the
     * condition, on H2, PostgreSQL and MariaDB alike), with no SELECT ... FOR UPDATE needed.
     */
    @SqlUpdate("""
            UPDATE jobs SET owner = :owner, lease_expires = :until
            WHERE id = :id AND state IN ('QUEUED', 'RUNNING')
              AND (owner IS NULL OR owner = :owner OR lease_expires < :now)""")
    int claim(long id, String owner, long now, long until);

    /** Extends every lease {@code owner} holds on unfinished jobs; its count says how many it still holds. */
    @SqlUpdate("UPDATE jobs SET lease_expires = :until WHERE owner = :owner AND state IN ('QUEUED', 'RUNNING')")
    int renew(String owner, long until);

    /** Lets go of {@code owner}'s unfinished jobs at a clean stop: any node may claim them at once. */
    @SqlUpdate("UPDATE jobs SET lease_expires = 0 WHERE owner = :owner AND state IN ('QUEUED', 'RUNNING')")
    int release(String owner);

    /** Unfinished jobs that nobody holds any more: their owner's lease expired before {@code now}, or they never had one. */
    @SqlQuery("""
            SELECT * FROM jobs WHERE state IN ('QUEUED', 'RUNNING') AND (owner IS NULL OR lease_expires < :now)
            ORDER BY id""")
    List<JobRow> expired(long now);

    @SqlQuery("SELECT * FROM jobs WHERE id = :id")
    Optional<JobRow> find(long id);

    @SqlQuery("SELECT * FROM jobs WHERE id < :before ORDER BY id DESC LIMIT :limit")
    List<JobRow> list(long before, int limit);

    @SqlQuery("SELECT * FROM jobs WHERE view_name = :view AND id < :before ORDER BY id DESC LIMIT :limit")
    List<JobRow> listForView(String view, long before, int limit);

    /**
     * An index build that failed or was stopped is queued again, held by {@code owner} (who runs it): its
     * index stays unusable until built.
     */
    @SqlUpdate("""
            UPDATE jobs SET state = 'QUEUED', updated_at = :now, owner = :owner, lease_expires = :until
            WHERE state IN ('FAILED', 'CANCELLED') AND id IN (SELECT job_id FROM index_builds WHERE state = 'PENDING')""")
    int requeuePendingIndexBuilds(String owner, long now, long until);

    /** Queues one failed index build again for {@code owner}, if its index is still waiting for it. */
    @SqlUpdate("""
            UPDATE jobs SET state = 'QUEUED', updated_at = :now, owner = :owner, lease_expires = :until
            WHERE id = :id AND state = 'FAILED' AND id IN (SELECT job_id FROM index_builds WHERE state = 'PENDING')""")
    int requeueIndexBuild(long id, String owner, long now, long until);

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
