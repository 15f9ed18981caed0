package io.sideview.registry.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/** Binds a view to a captured table: every shard of the source group holds {@code database.table}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Binding(String sourceGroup, String database, String table, List<ColumnMapping> columns,
                      VersionRule version, SoftDeleteRule softDelete) {
    public Binding {
        columns = List.copyOf(columns);
    }

    public Optional<ColumnMapping> column(String name) {
        return columns.stream().filter(c -> c.column().equals(name)).findFirst();
    }

    public Optional<ColumnMapping> columnFor(String mapsTo) {
        return columns.stream().filter(c -> mapsTo.equals(c.mapsTo())).findFirst();
    }
}
