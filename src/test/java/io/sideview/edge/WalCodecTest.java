package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalCodecTest {
    /** The golden samples: every value kind, both id kinds, a null, an empty batch member list aside. */
    static final WalCodec.SideRecord SIDE = new WalCodec.SideRecord(7, "follows", Side.IN,
            new Mutation(MutationType.INSERT, 42L, "bob", 1_234_567_890_123L, props()));
    static final WalCodec.BatchRecord BATCH = new WalCodec.BatchRecord(3, "likés", List.of(
            new Mutation(MutationType.UPDATE, "a", 9L, 5, Map.of("muted", true)),
            new Mutation(MutationType.DELETE, 1L, 2L, 6, Map.of())));

    private static Map<String, Object> props() {
        Map<String, Object> p = new HashMap<>();
        p.put("created_at", 99L);
        p.put("weight", 0.5);
        p.put("rank", 3);
        p.put("note", "héllo ✓");
        p.put("muted", false);
        p.put("gone", null);
        return p;
    }

    @Test
    void theGoldenSamplesStillEncodeAndDecodeTheSame() throws IOException {
        byte[] side = golden("side-v1.hex");
        byte[] batch = golden("batch-v1.hex");
        assertThat(HexFormat.of().formatHex(WalCodec.encode(SIDE)))
                .as("a change of the WAL format must be a decision: bump FORMAT and add a new golden sample")
                .isEqualTo(HexFormat.of().formatHex(side));
        assertThat(HexFormat.of().formatHex(WalCodec.encode(BATCH))).isEqualTo(HexFormat.of().formatHex(batch));
        assertThat(WalCodec.decodeSide(side)).isEqualTo(SIDE);
        assertThat(WalCodec.decodeBatch(batch)).isEqualTo(BATCH);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void randomRecordsRoundTrip(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            WalCodec.SideRecord s = new WalCodec.SideRecord(random.nextLong(), text(random), Side.values()[random.nextInt(2)],
                    mutation(random));
            assertThat(WalCodec.decodeSide(WalCodec.encode(s))).isEqualTo(s);
            List<Mutation> ms = new ArrayList<>();
            for (int j = random.nextInt(5); j > 0; j--) {
                ms.add(mutation(random));
            }
            WalCodec.BatchRecord b = new WalCodec.BatchRecord(random.nextLong(), text(random), ms);
            assertThat(WalCodec.decodeBatch(WalCodec.encode(b))).isEqualTo(b);
        }
    }

    @Test
    void unknownVersionsKindsAndDamagedBytesAreRefused() {
        byte[] good = WalCodec.encode(SIDE);
        byte[] otherVersion = good.clone();
        otherVersion[0] = 2;
        assertThatThrownBy(() -> WalCodec.decodeSide(otherVersion)).isInstanceOf(WalCodec.Unreadable.class)
                .hasMessageContaining("format version 2");
        assertThatThrownBy(() -> WalCodec.decodeBatch(good)).isInstanceOf(WalCodec.Unreadable.class)
                .hasMessageContaining("kind");
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThatThrownBy(() -> WalCodec.decodeSide(truncated)).isInstanceOf(WalCodec.Unreadable.class);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> WalCodec.decodeSide(longer)).isInstanceOf(WalCodec.Unreadable.class)
                .hasMessageContaining("after the record");
        assertThatThrownBy(() -> WalCodec.decodeSide("{\"view\":\"follows\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(WalCodec.Unreadable.class);
    }

    private static Mutation mutation(Random random) {
        Map<String, Object> p = new HashMap<>();
        for (int k = random.nextInt(4); k > 0; k--) {
            p.put(text(random), switch (random.nextInt(6)) {
                case 0 -> null;
                case 1 -> random.nextLong();
                case 2 -> text(random);
                case 3 -> random.nextInt();
                case 4 -> random.nextBoolean() ? random.nextDouble() : Double.NaN;
                default -> random.nextBoolean();
            });
        }
        Object source = random.nextBoolean() ? (Object) random.nextLong() : text(random);
        Object target = random.nextBoolean() ? (Object) random.nextLong() : text(random);
        return new Mutation(MutationType.values()[random.nextInt(3)], source, target, random.nextLong(), p);
    }

    private static String text(Random random) {
        StringBuilder b = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            int cp = random.nextInt(4) == 0 ? 0x1F600 + random.nextInt(50) : 0x20 + random.nextInt(0x2000);
            if (Character.isSurrogate((char) cp)) {
                cp = 'x';
            }
            b.appendCodePoint(cp);
        }
        return b.toString();
    }

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = WalCodecTest.class.getResourceAsStream("/wal/" + name)) {
            assertThat(in).as("golden sample " + name).isNotNull();
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
    }
}
