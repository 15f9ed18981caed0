package io.sideview.registry.db;

/** A row of {@code view_revisions}: the normalized definition as JSON. */
public record RevisionRow(long viewId, int revision, String definition, long createdAt) {}
