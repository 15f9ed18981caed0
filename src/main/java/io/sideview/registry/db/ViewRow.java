package io.sideview.registry.db;

/** A row of {@code views}; timestamps are epoch milliseconds (portable across H2, PostgreSQL and MariaDB). */
public record ViewRow(long id, String name, String status, int currentRevision, long createdAt, long updatedAt) {}
