package io.sideview.ingest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;

/**
 * A named group of MySQL/MariaDB shards holding the same tables; view bindings name a group.
 *
 * @param flavor {@code mariadb} or {@code mysql}: picks the Debezium connector
 * @param shards one entry per shard; each gets its own capture engine
 */
public record SourceGroupConfig(
        @NotNull @Pattern(regexp = "mariadb|mysql", message = "must be mariadb or mysql") String flavor,
        @NotEmpty List<@Valid @NotNull ShardConfig> shards) {

    public SourceGroupConfig {
        shards = shards == null ? null : List.copyOf(shards);
    }
}
