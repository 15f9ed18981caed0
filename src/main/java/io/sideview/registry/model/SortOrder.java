package io.sideview.registry.model;

/** Order of one index field. */
public enum SortOrder { ASC, DESC }
