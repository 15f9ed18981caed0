package io.sideview.registry;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Registry settings.
 *
 * @param migrateOnStartup apply pending Liquibase changesets at start; when false the service refuses
 *                         to start while any changeset is pending (run {@code db migrate} first)
 * @param maxDefinitionBytes largest view definition document accepted, in bytes
 */
public record RegistryConfig(Boolean migrateOnStartup, @Min(1024) @Max(1_048_576) Integer maxDefinitionBytes) {
    public static final int DEFAULT_MAX_DEFINITION_BYTES = 65_536;

    public RegistryConfig {
        migrateOnStartup = migrateOnStartup == null || migrateOnStartup;
        maxDefinitionBytes = maxDefinitionBytes == null ? DEFAULT_MAX_DEFINITION_BYTES : maxDefinitionBytes;
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(true, DEFAULT_MAX_DEFINITION_BYTES);
    }
}
