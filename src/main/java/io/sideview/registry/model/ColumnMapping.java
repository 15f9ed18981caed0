package io.sideview.registry.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A column of the captured table, with its SQL type and what it feeds: {@code source}, {@code target},
 * a property name, or nothing (a column read only by the soft-delete or version rule).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnMapping(String column, SqlType type, String mapsTo) {}
