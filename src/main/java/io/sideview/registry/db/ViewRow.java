package io.sideview.registry.db;

/**
 * A row of {@code views}; timestamps are epoch milliseconds (portable across H2, PostgreSQL and MariaDB).
 * {@code storageId}: the generation whose records answer queries; {@code pendingStorageId}: the one a
 * replay is building, or null.
 */
public record ViewRow(long id, String name, String status, int currentRevision, long createdAt, long updatedAt,
                      long storageId, Long pendingStorageId) {}
