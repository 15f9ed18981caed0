package io.sideview;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared set-up for tests that start the whole service. */
public final class TestApps {
    public static final String CONFIG = ResourceHelpers.resourceFilePath("test-config.yml");

    private TestApps() {}

    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Random ports and an H2 metadata DB under {@code dataDir}, plus any extra overrides. */
    public static ConfigOverride[] overrides(Path dataDir, ConfigOverride... extra) {
        List<ConfigOverride> all = new ArrayList<>();
        all.add(ConfigOverride.randomPorts());
        all.add(ConfigOverride.config("database.url", "jdbc:h2:file:" + dataDir.resolve("metadata") + ";WRITE_DELAY=0"));
        all.add(ConfigOverride.config("storage.dataDir", dataDir.toString()));
        all.addAll(List.of(extra));
        return all.toArray(ConfigOverride[]::new);
    }
}
