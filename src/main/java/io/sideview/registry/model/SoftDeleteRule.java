package io.sideview.registry.model;

/** A row whose {@code column} equals {@code equals} (compared as text) is a deleted edge. */
public record SoftDeleteRule(String column, String equals) {}
