package io.sideview.cluster.db;

import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The node registry. Writes name the instance too, so a process never touches a row another process took over. */
@RegisterConstructorMapper(NodeRow.class)
public interface ClusterNodeDao {

    @SqlQuery("""
            SELECT name, instance, storage, wal, address, started_at, heartbeat_at, shards, partitions
            FROM cluster_nodes ORDER BY name""")
    List<NodeRow> all();

    /** Fails on a duplicate name: a second process registering the same name at the same moment loses. */
    @SqlUpdate("""
            INSERT INTO cluster_nodes (name, instance, storage, wal, address, started_at, heartbeat_at, shards, partitions)
            VALUES (:name, :instance, :storage, :wal, :address, :startedAt, :heartbeatAt, :shards, :partitions)""")
    void insert(@BindMethods NodeRow row);

    /** Takes over a row of this name whose heartbeat is not newer than {@code seen} (a dead node's). */
    @SqlUpdate("""
            UPDATE cluster_nodes SET instance = :instance, storage = :storage, wal = :wal, address = :address,
                   started_at = :startedAt, heartbeat_at = :heartbeatAt, shards = :shards, partitions = :partitions
            WHERE name = :name AND heartbeat_at <= :seen""")
    int takeOver(@BindMethods NodeRow row, long seen);

    /** The heartbeat, with what the node holds now (see {@code cluster.Holdings}): one statement, so a row never shows one without the other. */
    @SqlUpdate("""
            UPDATE cluster_nodes SET heartbeat_at = :now, shards = :shards, partitions = :partitions
            WHERE name = :name AND instance = :instance""")
    int heartbeat(String name, String instance, long now, String shards, String partitions);

    @SqlUpdate("UPDATE cluster_nodes SET address = :address WHERE name = :name AND instance = :instance")
    int address(String name, String instance, String address);

    @SqlUpdate("DELETE FROM cluster_nodes WHERE name = :name AND instance = :instance")
    int delete(String name, String instance);
}
