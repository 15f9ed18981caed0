package io.sideview.ingest;

import io.sideview.edge.ViewLayout;

/** An active view bound to a captured table of a source group. */
public record CaptureTarget(String viewName, String database, String table, ViewLayout layout) {
    public String qualifiedTable() {
        return database + "." + table;
    }
}
