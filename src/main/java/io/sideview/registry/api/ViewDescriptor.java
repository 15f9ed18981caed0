package io.sideview.registry.api;

import io.sideview.registry.model.ViewDefinition;
import java.time.Instant;

/**
 * What the registry answers for a view: identity, lifecycle and the current revision's definition.
 * {@code storageId} is the generation of records that answers queries (the view id until a replay
 * switched); {@code pendingStorageId} the one a running replay builds, or null.
 */
public record ViewDescriptor(long id, String name, String status, int revision, boolean captured,
                             Instant createdAt, Instant updatedAt, ViewDefinition definition,
                             long storageId, Long pendingStorageId) {

    /** A descriptor of a view never replayed (its records under its own id). */
    public ViewDescriptor(long id, String name, String status, int revision, boolean captured,
                          Instant createdAt, Instant updatedAt, ViewDefinition definition) {
        this(id, name, status, revision, captured, createdAt, updatedAt, definition, id, null);
    }
}
