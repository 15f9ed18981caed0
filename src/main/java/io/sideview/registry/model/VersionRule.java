package io.sideview.registry.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an edge's version comes from: the binlog position (monotonic per shard, same scale for the
 * snapshot and the stream) or an integer column that the application increments.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VersionRule(Kind from, String column) {
    public enum Kind { BINLOG, COLUMN }

    public static VersionRule binlog() {
        return new VersionRule(Kind.BINLOG, null);
    }
}
