package io.sideview.query;

import io.sideview.errors.Refused;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, versioned, signed cursors: {@code base64url(version | scope hash (8) | position | HMAC-SHA256 (16))}.
 * The scope hash binds a cursor to the query it came from (view, direction, node, index), so a
 * cursor replayed on another query, or tampered with, is a 400 and never reads outside its range.
 */
public final class CursorCodec {
    private static final byte VERSION = 1;
    private static final int MAC_BYTES = 16;

    private final byte[] secret;

    public CursorCodec(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("cursor secret must be at least 16 bytes");
        }
        this.secret = secret.clone();
    }

    public String encode(String scope, byte[] position) {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + position.length);
        b.put(VERSION).putLong(scopeHash(scope)).put(position);
        byte[] body = b.array();
        byte[] out = Arrays.copyOf(body, body.length + MAC_BYTES);
        System.arraycopy(mac(body), 0, out, body.length, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The position inside {@code scope}; 400 when malformed, tampered with, or from another query. */
    public byte[] decode(String scope, String cursor) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw Refused.badInput("cursor", "malformed cursor");
        }
        if (raw.length < 1 + 8 + MAC_BYTES || raw[0] != VERSION) {
            throw Refused.badInput("cursor", "malformed cursor");
        }
        byte[] body = Arrays.copyOf(raw, raw.length - MAC_BYTES);
        byte[] mac = Arrays.copyOfRange(raw, raw.length - MAC_BYTES, raw.length);
        if (!MessageDigest.isEqual(mac, Arrays.copyOf(mac(body), MAC_BYTES))) {
            throw Refused.badInput("cursor", "cursor signature does not match (tampered or from another server)");
        }
        ByteBuffer b = ByteBuffer.wrap(body, 1, body.length - 1);
        if (b.getLong() != scopeHash(scope)) {
            throw Refused.badInput("cursor", "cursor belongs to another query, or to a generation of the view replaced since by a replay: start the scan again");
        }
        return Arrays.copyOfRange(body, 9, body.length);
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long scopeHash(String scope) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
