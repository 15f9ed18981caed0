package io.sideview.ingest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * How captured changes reach the applier.
 *
 * @param mode {@code none}: in process (embedded default); {@code kafka}: through a Kafka WAL topic
 */
public record WalConfig(@NotBlank @Pattern(regexp = "none|kafka", message = "must be none or kafka") String mode) {

    public WalConfig {
        mode = mode == null ? "none" : mode;
    }

    public static WalConfig defaults() {
        return new WalConfig("none");
    }
}
