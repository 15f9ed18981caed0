package io.sideview.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A view definition as a client writes it. Every enum-like field is a string here so that the
 * validator, not the JSON parser, explains what is wrong with it. Ids are accepted (so a GET
 * document can be sent back as is) and ignored: the registry allocates them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ViewSpec(String name, String description, String sourceType, String targetType, String direction,
                       List<PropertySpec> properties, List<IndexSpec> indexes, BindingSpec binding) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PropertySpec(Integer id, String name, String type, Boolean nullable,
                               @JsonProperty("default") JsonNode defaultValue) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record IndexSpec(Integer id, String name, List<IndexFieldSpec> fields) {}

    public record IndexFieldSpec(String field, String order) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BindingSpec(String sourceGroup, String database, String table, List<ColumnSpec> columns,
                              VersionSpec version, SoftDeleteSpec softDelete) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ColumnSpec(String column, String type, String mapsTo) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record VersionSpec(String from, String column) {}

    public record SoftDeleteSpec(String column, String equals) {}
}
