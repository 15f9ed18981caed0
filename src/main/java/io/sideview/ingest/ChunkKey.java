package io.sideview.ingest;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The primary key of the last row a copy chunk read, as text for {@code view_backfills.last_key}, so
 * a resumed copy binds exactly the values it stopped at. Each value is {@code type:text}, joined by
 * commas with commas and backslashes escaped: {@code l} integers, {@code n} decimals, {@code s}
 * strings, {@code x} bytes (hex), {@code t} anything else by its text (dates and times, which the
 * server compares with their text).
 */
public final class ChunkKey {
    private ChunkKey() {}

    public static String encode(List<Object> values) {
        StringBuilder out = new StringBuilder();
        for (Object v : values) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(typed(v).replace("\\", "\\\\").replace(",", "\\,"));
        }
        return out.toString();
    }

    private static String typed(Object v) {
        if (v == null) {
            throw new IllegalArgumentException("a primary key value is never NULL");
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return "l:" + v;
        }
        if (v instanceof BigDecimal d) {
            return "n:" + d.toPlainString();
        }
        if (v instanceof String s) {
            return "s:" + s;
        }
        if (v instanceof byte[] b) {
            return "x:" + HexFormat.of().formatHex(b);
        }
        return "t:" + v;
    }

    public static List<Object> decode(String text) {
        List<Object> values = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i <= text.length(); i++) {
            char c = i < text.length() ? text.charAt(i) : ',';
            if (c == '\\' && i + 1 < text.length()) {
                cur.append(text.charAt(++i));
            } else if (c == ',') {
                values.add(value(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        return values;
    }

    private static Object value(String typed) {
        if (typed.length() < 2 || typed.charAt(1) != ':') {
            throw new IllegalArgumentException("not a chunk key value: '" + typed + "'");
        }
        String text = typed.substring(2);
        return switch (typed.charAt(0)) {
            case 'l' -> {
                BigInteger b = new BigInteger(text);
                yield b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            case 'n' -> new BigDecimal(text);
            case 's', 't' -> text;
            case 'x' -> HexFormat.of().parseHex(text);
            default -> throw new IllegalArgumentException("not a chunk key value: '" + typed + "'");
        };
    }
}
