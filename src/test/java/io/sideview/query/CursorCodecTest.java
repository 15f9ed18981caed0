package io.sideview.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sideview.api.FieldError;
import io.sideview.api.RefusedMapper;
import io.sideview.errors.Refused;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Cursors are handed to clients and come back: whatever comes back must be ours, for this query, or a 400. */
class CursorCodecTest {
    private static final byte[] SECRET = "0123456789abcdef-test-secret".getBytes(StandardCharsets.UTF_8);
    /** Scopes as QueryService builds them. */
    private static final String SCOPE = "scan|7|OUT|42|1";

    private final CursorCodec codec = new CursorCodec(SECRET);

    private static Base64.Encoder encoder() {
        return Base64.getUrlEncoder().withoutPadding();
    }

    /** Asserts a 400 problem on the {@code cursor} field with the given reason. */
    private static void assertRefused(ThrowingCallable decode, String reason) {
        assertThatThrownBy(decode).isInstanceOfSatisfying(Refused.class, e -> {
            assertThat(RefusedMapper.problem(e).status()).isEqualTo(400);
            assertThat(RefusedMapper.problem(e).errors()).containsExactly(new FieldError("cursor", reason));
        });
    }

    static Stream<byte[]> positions() {
        Random random = new Random(7);
        byte[] big = new byte[300];
        random.nextBytes(big);
        return Stream.of(new byte[0], new byte[] {0}, new byte[] {(byte) 0xFF, 0, (byte) 0x80},
                "key\u0000with\u0000zeros".getBytes(StandardCharsets.UTF_8), big);
    }

    @ParameterizedTest
    @MethodSource("positions")
    void aCursorDecodesToItsPositionInItsScope(byte[] position) {
        String cursor = codec.encode(SCOPE, position);
        assertThat(cursor).matches("[A-Za-z0-9_-]+"); // safe in a query string as is
        assertThat(codec.decode(SCOPE, cursor)).isEqualTo(position);
        // Another codec with the same secret (another server of the deployment, or after a restart) reads it too.
        assertThat(new CursorCodec(SECRET.clone()).decode(SCOPE, cursor)).isEqualTo(position);
    }

    /** The wire format, pinned: cursors held by clients must stay readable across releases of version 1. */
    @Test
    void theCursorIsVersionScopeHashPositionAndATruncatedHmac() throws Exception {
        byte[] position = {10, 20, 30};
        byte[] raw = Base64.getUrlDecoder().decode(codec.encode(SCOPE, position));
        assertThat(raw).hasSize(1 + 8 + 3 + 16);
        assertThat(raw[0]).isEqualTo((byte) 1);
        byte[] scopeHash = MessageDigest.getInstance("SHA-256").digest(SCOPE.getBytes(StandardCharsets.UTF_8));
        assertThat(Arrays.copyOfRange(raw, 1, 9)).isEqualTo(Arrays.copyOf(scopeHash, 8));
        assertThat(Arrays.copyOfRange(raw, 9, 12)).isEqualTo(position);
        assertThat(Arrays.copyOfRange(raw, 12, 28)).isEqualTo(Arrays.copyOf(hmac(SECRET, Arrays.copyOf(raw, 12)), 16));
    }

    private static byte[] hmac(byte[] secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return mac.doFinal(body);
    }

    /** Every byte of the cursor, flipped in turn: the version byte makes it malformed, any other breaks the signature. */
    @Test
    void aCursorWithAnyByteChangedIsRefused() {
        byte[] raw = Base64.getUrlDecoder().decode(codec.encode(SCOPE, new byte[] {1, 2, 3, 4, 5}));
        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = raw.clone();
                tampered[i] ^= (byte) (1 << bit);
                String cursor = encoder().encodeToString(tampered);
                assertRefused(() -> codec.decode(SCOPE, cursor), i == 0 ? "malformed cursor"
                        : "cursor signature does not match (tampered or from another server)");
            }
        }
    }

    @Test
    void aCursorWithAByteAppendedOrRemovedIsRefused() {
        byte[] raw = Base64.getUrlDecoder().decode(codec.encode(SCOPE, new byte[] {1, 2, 3}));
        String longer = encoder().encodeToString(ByteBuffer.allocate(raw.length + 1).put(raw).put((byte) 0).array());
        String shorter = encoder().encodeToString(Arrays.copyOf(raw, raw.length - 1));
        String signature = "cursor signature does not match (tampered or from another server)";
        assertRefused(() -> codec.decode(SCOPE, longer), signature);
        assertRefused(() -> codec.decode(SCOPE, shorter), signature);
    }

    @Test
    void aCursorFromAnotherQueryIsRefusedThoughItsSignatureIsGood() {
        String cursor = codec.encode(SCOPE, new byte[] {1, 2, 3});
        for (String other : new String[] {"scan|7|OUT|43|1", "scan|7|IN|42|1", "scan|7|OUT|42|", "scan|8|OUT|42|1", "mutual|7|42|43"}) {
            assertRefused(() -> codec.decode(other, cursor), "cursor belongs to another query, or to a generation of the view replaced since by a replay: start the scan again");
        }
    }

    @Test
    void aCursorSignedWithAnotherSecretIsRefused() {
        String cursor = new CursorCodec("another-secret-of-16+".getBytes(StandardCharsets.UTF_8)).encode(SCOPE, new byte[] {1});
        assertRefused(() -> codec.decode(SCOPE, cursor), "cursor signature does not match (tampered or from another server)");
    }

    /** A correctly signed cursor of an unknown format version: refused as malformed before anything else is read. */
    @ParameterizedTest
    @ValueSource(bytes = {0, 2, (byte) 0xFF})
    void aCursorOfAnotherVersionIsRefusedEvenWhenSignedWithOurSecret(byte version) throws Exception {
        byte[] body = ByteBuffer.allocate(1 + 8 + 2).put(version)
                .put(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(SCOPE.getBytes(StandardCharsets.UTF_8)), 8))
                .put(new byte[] {1, 2}).array();
        byte[] raw = ByteBuffer.allocate(body.length + 16).put(body).put(Arrays.copyOf(hmac(SECRET, body), 16)).array();
        String cursor = encoder().encodeToString(raw);
        assertRefused(() -> codec.decode(SCOPE, cursor), "malformed cursor");
        // The same bytes with version 1 are accepted: the version byte alone made the difference.
        body[0] = 1;
        raw = ByteBuffer.allocate(body.length + 16).put(body).put(Arrays.copyOf(hmac(SECRET, body), 16)).array();
        assertThat(codec.decode(SCOPE, encoder().encodeToString(raw))).containsExactly(1, 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "a+b/", "AQ", "====", "%%%"})
    void aCursorThatIsNotBase64UrlOrTooShortIsMalformed(String cursor) {
        assertRefused(() -> codec.decode(SCOPE, cursor), "malformed cursor");
    }

    @Test
    void theShortestWellFormedLengthIsAnEmptyPosition() {
        // 25 bytes (version, scope hash, MAC) is the minimum; one byte less is malformed, not a bad signature.
        byte[] raw = Base64.getUrlDecoder().decode(codec.encode(SCOPE, new byte[0]));
        assertThat(raw).hasSize(25);
        String cut = encoder().encodeToString(Arrays.copyOf(raw, 24));
        assertRefused(() -> codec.decode(SCOPE, cut), "malformed cursor");
    }

    @Test
    void theCodecKeepsItsOwnCopyOfTheSecret() {
        byte[] secret = SECRET.clone();
        CursorCodec own = new CursorCodec(secret);
        String cursor = own.encode(SCOPE, new byte[] {9});
        Arrays.fill(secret, (byte) 0);
        assertThat(own.decode(SCOPE, cursor)).containsExactly(9);
    }

    @Test
    void aSecretShorterThan16BytesIsRefused() {
        assertThatThrownBy(() -> new CursorCodec(new byte[15])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes");
        CursorCodec shortest = new CursorCodec("0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        assertThat(shortest.decode(SCOPE, shortest.encode(SCOPE, new byte[] {3}))).containsExactly(3);
    }
}
