package io.sideview.registry.db;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** The registry's tables. Multi-step writes are default {@code @Transaction} methods so they commit whole or not at all. */
@RegisterConstructorMapper(ViewRow.class)
@RegisterConstructorMapper(RevisionRow.class)
public interface ViewDao {

    @SqlUpdate("UPDATE id_allocator SET next_value = next_value + 1 WHERE name = :name")
    int bumpCounter(String name);

    @SqlQuery("SELECT next_value FROM id_allocator WHERE name = :name")
    long counter(String name);

    /** The row lock taken by the UPDATE serializes concurrent allocations until commit. */
    @Transaction
    default long allocateId(String name) {
        if (bumpCounter(name) != 1) {
            throw new IllegalStateException("no id counter named " + name);
        }
        return counter(name) - 1;
    }

    @SqlUpdate("""
            INSERT INTO views (id, name, status, current_revision, created_at, updated_at, storage_id)
            VALUES (:id, :name, :status, :currentRevision, :createdAt, :updatedAt, :id)""")
    void insertView(long id, String name, String status, int currentRevision, long createdAt, long updatedAt);

    @SqlUpdate("""
            INSERT INTO view_revisions (view_id, revision, definition, created_at)
            VALUES (:viewId, :revision, :definition, :createdAt)""")
    void insertRevision(long viewId, int revision, String definition, long createdAt);

    /**
     * Every registry write bumps this in its own transaction (last, so the one-row lock it takes is held
     * for the shortest time, and always after any other row: no lock-order cycle between two writes).
     * Other nodes poll it ({@link #changeSeq}) to learn that something changed.
     */
    @SqlUpdate("UPDATE registry_changes SET seq = seq + 1 WHERE id = 1")
    void bumpChangeSeq();

    /** How many registry writes were ever committed: moves whenever any node changes a view. */
    @SqlQuery("SELECT seq FROM registry_changes WHERE id = 1")
    long changeSeq();

    @Transaction
    default ViewRow create(String name, String status, String definition, long now) {
        long id = allocateId("view");
        insertView(id, name, status, 1, now, now);
        insertRevision(id, 1, definition, now);
        bumpChangeSeq();
        return new ViewRow(id, name, status, 1, now, now, id, null);
    }

    /**
     * Optimistic: only moves from the revision the caller read, so two concurrent updates cannot both
     * win; and never while a replay builds a generation with the revision it started from.
     */
    @SqlUpdate("""
            UPDATE views SET current_revision = :next, updated_at = :now
            WHERE id = :id AND current_revision = :expected AND pending_storage_id IS NULL""")
    int moveRevision(long id, int expected, int next, long now);

    @Transaction
    default boolean addRevision(long id, int expected, String definition, long now) {
        if (moveRevision(id, expected, expected + 1, now) != 1) {
            return false;
        }
        insertRevision(id, expected + 1, definition, now);
        bumpChangeSeq();
        return true;
    }

    /** Starts building a new generation: only when none is being built (the caller allocated {@code pending}). */
    @SqlUpdate("""
            UPDATE views SET pending_storage_id = :pending, updated_at = :now
            WHERE id = :id AND pending_storage_id IS NULL""")
    int beginGeneration(long id, long pending, long now);

    @Transaction
    default Long newGeneration(long id, long now) {
        long pending = allocateId("view");
        if (beginGeneration(id, pending, now) != 1) {
            return null;
        }
        bumpChangeSeq();
        return pending;
    }

    /** The switch: queries move to {@code pending} in one row update, only if it is still the one being built. */
    @SqlUpdate("""
            UPDATE views SET storage_id = pending_storage_id, pending_storage_id = NULL, updated_at = :now
            WHERE id = :id AND pending_storage_id = :pending""")
    int switchGenerationRow(long id, long pending, long now);

    @Transaction
    default int switchGeneration(long id, long pending, long now) {
        return bumpIfChanged(switchGenerationRow(id, pending, now));
    }

    @SqlUpdate("""
            UPDATE views SET pending_storage_id = NULL, updated_at = :now
            WHERE id = :id AND pending_storage_id = :pending""")
    int dropGenerationRow(long id, long pending, long now);

    @Transaction
    default int dropGeneration(long id, long pending, long now) {
        return bumpIfChanged(dropGenerationRow(id, pending, now));
    }

    @SqlUpdate("UPDATE views SET status = :status, updated_at = :now WHERE id = :id")
    int setStatusRow(long id, String status, long now);

    @Transaction
    default int setStatus(long id, String status, long now) {
        return bumpIfChanged(setStatusRow(id, status, now));
    }

    /** Called inside the write's transaction: {@code rows} is what the write changed. */
    private int bumpIfChanged(int rows) {
        if (rows > 0) {
            bumpChangeSeq();
        }
        return rows;
    }

    @SqlQuery("SELECT * FROM views WHERE name = :name")
    Optional<ViewRow> findByName(String name);

    @SqlQuery("SELECT * FROM views ORDER BY name")
    List<ViewRow> list();

    @SqlQuery("SELECT * FROM view_revisions WHERE view_id = :viewId AND revision = :revision")
    Optional<RevisionRow> revision(long viewId, int revision);

    @SqlQuery("SELECT * FROM view_revisions WHERE view_id = :viewId ORDER BY revision")
    List<RevisionRow> revisions(long viewId);

    /**
     * Deletes only a view still in {@code requiredStatus}, so a concurrent re-activation wins over the
     * delete; its revisions go with it (ON DELETE CASCADE).
     */
    @SqlUpdate("DELETE FROM views WHERE id = :id AND status = :requiredStatus")
    int deleteRow(long id, String requiredStatus);

    @Transaction
    default int delete(long id, String requiredStatus) {
        return bumpIfChanged(deleteRow(id, requiredStatus));
    }
}
