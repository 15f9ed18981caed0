package io.sideview.registry;

/** Lifecycle of a view: only an INACTIVE view can be deleted, so deletion is always two deliberate steps. */
public enum ViewStatus { ACTIVE, INACTIVE }
