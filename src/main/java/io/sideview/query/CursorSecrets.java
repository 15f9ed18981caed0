package io.sideview.query;

import io.sideview.cluster.db.ClusterSecretDao;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cursor signing key: configured, or kept in the metadata DB so every node sharing it signs with the
 * same key and a cursor from one node continues on another. The first node stores it; a node that still has
 * the {@code <dataDir>/cursor.key} of the single-node days offers that key, so its cursors stay valid.
 */
public final class CursorSecrets {
    static final String NAME = "cursor-key";
    private static final Logger LOG = LoggerFactory.getLogger(CursorSecrets.class);

    private CursorSecrets() {}

    public static byte[] resolve(QueryConfig config, Path dataDir, ClusterSecretDao secrets) {
        if (!config.cursorSecret().isEmpty()) {
            if (config.cursorSecret().length() < 16) {
                throw new IllegalArgumentException("query.cursorSecret must be at least 16 characters");
            }
            return config.cursorSecret().getBytes(StandardCharsets.UTF_8);
        }
        byte[] local = localKey(dataDir.resolve("cursor.key"));
        byte[] candidate = local;
        if (candidate == null) {
            candidate = new byte[32];
            new SecureRandom().nextBytes(candidate);
        }
        byte[] shared = HexFormat.of().parseHex(
                secrets.putIfAbsent(NAME, HexFormat.of().formatHex(candidate), System.currentTimeMillis()));
        if (local != null && !Arrays.equals(local, shared)) {
            LOG.warn("{} differs from the cursor key in the metadata DB, which every node uses: cursors this node "
                    + "signed with the local key are refused from now on (clients start their scan again)",
                    dataDir.resolve("cursor.key"));
        }
        return shared;
    }

    /** The key a node generated before the key moved to the metadata DB, or null. */
    private static byte[] localKey(Path file) {
        try {
            return Files.exists(file) ? HexFormat.of().parseHex(Files.readString(file).trim()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
