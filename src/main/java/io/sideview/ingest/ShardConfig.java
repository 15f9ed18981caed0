package io.sideview.ingest;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * One MySQL/MariaDB shard of a source group.
 *
 * @param name unique shard name, used in engine names, offsets and metrics
 * @param serverId replication server id, unique across every engine reading the same servers
 */
public record ShardConfig(
        @NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,62}", message = "must match [a-z][a-z0-9_-]{0,62}") String name,
        @NotBlank String host,
        @Min(1) @Max(65535) int port,
        @NotBlank String user,
        String password,
        @Min(1) long serverId) {

    /** Passwords never reach logs. */
    @Override
    public String toString() {
        return "ShardConfig[name=" + name + ", host=" + host + ", port=" + port + ", user=" + user
                + ", password=***, serverId=" + serverId + "]";
    }
}
