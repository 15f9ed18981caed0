package io.sideview.storage.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Randomized order-equivalence: sorting encodings gives value order (reversed for DESC), and decoding round-trips. */
class OrderedCodecTest {
    private static final Random RANDOM = new Random(20261127);

    private static Supplier<Object> generator(ValueType type) {
        return switch (type) {
            case LONG -> () -> switch (RANDOM.nextInt(5)) {
                case 0 -> Long.MIN_VALUE + RANDOM.nextInt(3);
                case 1 -> Long.MAX_VALUE - RANDOM.nextInt(3);
                case 2 -> (long) RANDOM.nextInt(7) - 3;
                default -> RANDOM.nextLong();
            };
            case INT -> () -> RANDOM.nextBoolean() ? RANDOM.nextInt() : RANDOM.nextInt(7) - 3;
            case DOUBLE -> () -> switch (RANDOM.nextInt(6)) {
                case 0 -> Double.NEGATIVE_INFINITY;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> RANDOM.nextBoolean() ? Double.MIN_VALUE : -Double.MIN_VALUE;
                case 3 -> (double) RANDOM.nextInt(5) - 2;
                default -> (RANDOM.nextDouble() - 0.5) * Math.pow(10, RANDOM.nextInt(40) - 20);
            };
            case BOOLEAN -> RANDOM::nextBoolean;
            case STRING -> () -> {
                int n = RANDOM.nextInt(6);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    sb.appendCodePoint(switch (RANDOM.nextInt(5)) {
                        case 0 -> 0;
                        case 1 -> 1;
                        case 2 -> 0xFF;
                        case 3 -> 0x1F600 + RANDOM.nextInt(10);
                        default -> 'a' + RANDOM.nextInt(3);
                    });
                }
                return sb.toString();
            };
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof String sa) {
            return Arrays.compare(sa.codePoints().toArray(), ((String) b).codePoints().toArray());
        }
        if (a instanceof Double da) {
            return Double.compare(da == 0.0 ? 0.0 : da, (Double) b == 0.0 ? 0.0 : (Double) b);
        }
        return ((Comparable) a).compareTo(b);
    }

    @ParameterizedTest
    @EnumSource(ValueType.class)
    void encodingOrderEqualsValueOrder(ValueType type) {
        for (boolean nullable : new boolean[] {false, true}) {
            for (boolean desc : new boolean[] {false, true}) {
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    values.add(nullable && RANDOM.nextInt(10) == 0 ? null : generator(type).get());
                }
                List<Object> byEncoding = new ArrayList<>(values);
                byEncoding.sort(Comparator.comparing(v -> OrderedCodec.encode(type, v, nullable, desc), Arrays::compareUnsigned));
                List<Object> byValue = new ArrayList<>(values);
                Comparator<Object> order = OrderedCodecTest::compareValues;
                byValue.sort(desc ? order.reversed() : order);
                for (int i = 0; i < values.size(); i++) {
                    assertThat(compareValues(byEncoding.get(i), byValue.get(i)))
                            .as("%s nullable=%s desc=%s at %d: %s vs %s", type, nullable, desc, i, byEncoding.get(i), byValue.get(i))
                            .isZero();
                }
                for (Object v : values) {
                    byte[] enc = OrderedCodec.encode(type, v, nullable, desc);
                    byte[] withTail = Arrays.copyOf(enc, enc.length + 3);
                    OrderedCodec.Reader r = new OrderedCodec.Reader(withTail, 0);
                    assertThat(compareValues(OrderedCodec.read(r, type, nullable, desc), v)).isZero();
                    assertThat(r.position()).as("self-delimiting").isEqualTo(enc.length);
                }
            }
        }
    }

    @Test
    void concatenatedFieldsCompareLexicographically() {
        // "a" then 2 must sort before "a\0" then 1: the string terminator decides before the next field.
        byte[] first = concat(OrderedCodec.encode(ValueType.STRING, "a", false, false), OrderedCodec.encode(ValueType.LONG, 2L, false, false));
        byte[] second = concat(OrderedCodec.encode(ValueType.STRING, "a\0", false, false), OrderedCodec.encode(ValueType.LONG, 1L, false, false));
        assertThat(Arrays.compareUnsigned(first, second)).isNegative();
    }

    @Test
    void nanAndNullForNonNullableAreRefused() {
        assertThatThrownBy(() -> OrderedCodec.encode(ValueType.DOUBLE, Double.NaN, false, false)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> OrderedCodec.encode(ValueType.LONG, null, false, false)).hasMessageContaining("null");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
