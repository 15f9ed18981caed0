package io.sideview.edge;

/** INSERT activates and sets every property; UPDATE sets the given ones and never activates; DELETE deactivates. */
public enum MutationType { INSERT, UPDATE, DELETE }
