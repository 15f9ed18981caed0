package io.sideview.registry.api;

import io.sideview.registry.model.ViewDefinition;
import java.time.Instant;

/** What the registry answers for a view: identity, lifecycle and the current revision's definition. */
public record ViewDescriptor(long id, String name, String status, int revision, boolean captured,
                             Instant createdAt, Instant updatedAt, ViewDefinition definition) {}
