package io.sideview.ingest;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * How captured changes reach the applier.
 *
 * @param mode {@code none}: in process (embedded default); {@code kafka}: through a Kafka WAL topic
 * @param kafka the WAL topic and its cluster, used when mode is kafka
 */
public record WalConfig(@NotBlank @Pattern(regexp = "none|kafka", message = "must be none or kafka") String mode,
                        @Valid @NotNull KafkaConfig kafka) {

    public WalConfig {
        mode = mode == null ? "none" : mode;
        kafka = kafka == null ? KafkaConfig.defaults() : kafka;
    }

    public static WalConfig defaults() {
        return new WalConfig(null, null);
    }

    public boolean isKafka() {
        return mode.equals("kafka");
    }
}
