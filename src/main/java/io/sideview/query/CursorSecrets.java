package io.sideview.query;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/** The cursor signing key: configured, or generated once and kept under the data dir. */
public final class CursorSecrets {
    private CursorSecrets() {}

    public static byte[] resolve(QueryConfig config, Path dataDir) {
        if (!config.cursorSecret().isEmpty()) {
            if (config.cursorSecret().length() < 16) {
                throw new IllegalArgumentException("query.cursorSecret must be at least 16 characters");
            }
            return config.cursorSecret().getBytes(StandardCharsets.UTF_8);
        }
        Path file = dataDir.resolve("cursor.key");
        try {
            if (Files.exists(file)) {
                return HexFormat.of().parseHex(Files.readString(file).trim());
            }
            Files.createDirectories(dataDir);
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, HexFormat.of().formatHex(key), StandardOpenOption.CREATE_NEW);
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
