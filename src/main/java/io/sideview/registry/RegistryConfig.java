package io.sideview.registry;

import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Registry settings.
 *
 * @param migrateOnStartup apply pending Liquibase changesets at start; when false the service refuses
 *                         to start while any changeset is pending (run {@code db migrate} first)
 * @param maxDefinitionBytes largest view definition document accepted, in bytes
 * @param pollInterval how often this node reads the registry's change counter, so that a change made
 *                     through another node sharing the metadata DB applies here within about this
 * @param pauseAfter how long the counter may stay unreadable before this node pauses applying (and its
 *                   {@code registry} check fails) rather than applying with definitions it cannot confirm
 */
public record RegistryConfig(Boolean migrateOnStartup, @Min(1024) @Max(1_048_576) Integer maxDefinitionBytes,
                             Duration pollInterval, Duration pauseAfter) {
    public static final int DEFAULT_MAX_DEFINITION_BYTES = 65_536;

    public RegistryConfig {
        migrateOnStartup = migrateOnStartup == null || migrateOnStartup;
        maxDefinitionBytes = maxDefinitionBytes == null ? DEFAULT_MAX_DEFINITION_BYTES : maxDefinitionBytes;
        pollInterval = pollInterval == null ? Duration.milliseconds(200) : pollInterval;
        pauseAfter = pauseAfter == null ? Duration.seconds(2) : pauseAfter;
        if (pollInterval.toMilliseconds() < 10) {
            throw new IllegalArgumentException("registry.pollInterval must be at least 10ms, got " + pollInterval);
        }
        if (pauseAfter.toMilliseconds() < pollInterval.toMilliseconds()) {
            throw new IllegalArgumentException("registry.pauseAfter must be at least registry.pollInterval, got "
                    + pauseAfter);
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(true, DEFAULT_MAX_DEFINITION_BYTES, null, null);
    }
}
