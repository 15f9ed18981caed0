package io.sideview.registry.api;

import io.sideview.registry.model.ViewDefinition;
import java.time.Instant;

/** One revision of a view, kept for history and diffs. */
public record RevisionDescriptor(int revision, Instant createdAt, ViewDefinition definition) {}
