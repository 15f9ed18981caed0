package io.sideview.registry.model;

/** Which sides of each edge a view keeps: OUT under the source, IN under the target, or both. */
public enum Direction {
    OUT, IN, BOTH;

    public boolean keepsOut() {
        return this != IN;
    }

    public boolean keepsIn() {
        return this != OUT;
    }
}
