package io.sideview.cluster.db;

import java.util.Optional;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** Secrets every node shares (table {@code cluster_secrets}), written once by the first node that needs one. */
public interface ClusterSecretDao {

    @SqlQuery("SELECT secret FROM cluster_secrets WHERE name = :name")
    Optional<String> find(String name);

    @SqlUpdate("INSERT INTO cluster_secrets (name, secret, created_at) VALUES (:name, :secret, :now)")
    void insert(String name, String secret, long now);

    /**
     * The stored secret of this name, storing {@code candidate} first when there is none. Nodes starting at
     * once race on the insert; the primary key lets one win and the others read its value. Deliberately not
     * one transaction: on PostgreSQL a failed insert poisons the transaction, so the read after it must run
     * on its own.
     */
    default String putIfAbsent(String name, String candidate, long now) {
        Optional<String> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            insert(name, candidate, now);
            return candidate;
        } catch (JdbiException e) {
            return find(name).orElseThrow(() -> e);
        }
    }
}
