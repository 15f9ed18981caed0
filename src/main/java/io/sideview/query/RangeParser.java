package io.sideview.query;

import io.sideview.api.Texts;

import io.sideview.api.ProblemException;
import io.sideview.edge.ViewLayout;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SortOrder;
import io.sideview.storage.Bytes;
import io.sideview.storage.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns {@code range=field:op:value} parameters into one key range inside an index: equality on
 * leading index fields, then at most one bounded field (gt, gte, lt, lte, or between "a,b"; a lower
 * and an upper bound may also be given as two parameters). Values split on the first ':' after the
 * op only, so string values may contain ':'.
 */
public final class RangeParser {
    private RangeParser() {}

    record Condition(String field, String op, String value) {}

    public static KeyRange plan(ViewLayout layout, IndexDef index, byte[] indexPrefix, List<String> ranges) {
        List<Condition> conditions = new ArrayList<>();
        for (String r : ranges) {
            conditions.add(parse(r));
        }
        byte[] prefix = indexPrefix;
        byte[] start = null;
        byte[] end = null;
        int position = 0;
        boolean bounded = false;
        List<Condition> remaining = new ArrayList<>(conditions);
        while (!remaining.isEmpty()) {
            if (position >= index.fields().size()) {
                Condition c = remaining.get(0);
                throw ProblemException.badRequest("range", "'" + c.field() + "' is not a field of index '" + index.name()
                        + "' after the leading fields " + fieldNames(index));
            }
            IndexField f = index.fields().get(position);
            List<Condition> here = remaining.stream().filter(c -> c.field().equals(f.field())).toList();
            if (here.isEmpty()) {
                Condition c = remaining.get(0);
                boolean known = index.fields().stream().anyMatch(x -> x.field().equals(c.field()));
                throw ProblemException.badRequest("range", known
                        ? "range on '" + c.field() + "' needs eq on every earlier field of index '" + index.name() + "' " + fieldNames(index)
                        : "'" + c.field() + "' is not a field of index '" + index.name() + "' " + fieldNames(index));
            }
            remaining.removeAll(here);
            if (here.size() == 1 && here.get(0).op().equals("eq")) {
                if (bounded) {
                    throw ProblemException.badRequest("range", "eq on '" + f.field() + "' after a bounded field");
                }
                prefix = Bytes.concat(prefix, layout.encodeField(f, value(layout, f, here.get(0))));
                position++;
                continue;
            }
            if (!remaining.isEmpty()) {
                throw ProblemException.badRequest("range", "only one field may be bounded, and it must be the last: '"
                        + remaining.get(0).field() + "' follows bounded '" + f.field() + "'");
            }
            bounded = true;
            byte[][] se = bounds(layout, f, prefix, here);
            start = se[0];
            end = se[1];
        }
        if (!bounded) {
            return KeyRange.prefix(prefix);
        }
        return new KeyRange(start, end);
    }

    /** Key bounds for the conditions on one field; DESC fields swap which bound is the start. */
    private static byte[][] bounds(ViewLayout layout, IndexField f, byte[] prefix, List<Condition> conditions) {
        byte[] start = prefix;
        byte[] end = Bytes.successor(prefix);
        boolean desc = f.order() == SortOrder.DESC;
        for (Condition c : conditions) {
            List<String[]> parts = new ArrayList<>();
            switch (c.op()) {
                case "between" -> {
                    int comma = c.value().indexOf(',');
                    if (comma < 0) {
                        throw ProblemException.badRequest("range", "between needs 'low,high', got '" + Texts.abbreviate(c.value()) + "'");
                    }
                    parts.add(new String[] {"gte", c.value().substring(0, comma)});
                    parts.add(new String[] {"lte", c.value().substring(comma + 1)});
                }
                case "gt", "gte", "lt", "lte" -> parts.add(new String[] {c.op(), c.value()});
                case "eq" -> throw ProblemException.badRequest("range", "eq on '" + f.field() + "' cannot be combined with a bound on it");
                default -> throw ProblemException.badRequest("range", "unknown op '" + Texts.abbreviate(c.op())
                        + "'; expected eq, gt, gte, lt, lte or between");
            }
            for (String[] p : parts) {
                byte[] at = Bytes.concat(prefix, layout.encodeField(f, value(layout, f, new Condition(f.field(), p[0], p[1]))));
                boolean lower = p[0].startsWith("gt");
                boolean inclusive = p[0].endsWith("e");
                // In key order a DESC field's lower value bound is an upper key bound.
                boolean keyLower = lower != desc;
                if (keyLower) {
                    byte[] s = inclusive ? at : successorOrEnd(at);
                    start = Bytes.compare(s, start) > 0 ? s : start;
                } else {
                    byte[] e = inclusive ? successorOrEnd(at) : at;
                    end = end == null || Bytes.compare(e, end) < 0 ? e : end;
                }
            }
        }
        // Bounds exclude nulls, as in SQL: nulls sort first in ASC and last in DESC.
        if (nullable(layout, f)) {
            if (desc) {
                byte[] nullStart = Bytes.concat(prefix, new byte[] {(byte) 0xFF});
                end = end == null || Bytes.compare(nullStart, end) < 0 ? nullStart : end;
            } else {
                byte[] firstPresent = Bytes.concat(prefix, new byte[] {0x01});
                start = Bytes.compare(firstPresent, start) > 0 ? firstPresent : start;
            }
        }
        return new byte[][] {start, end};
    }

    private static byte[] successorOrEnd(byte[] key) {
        byte[] s = Bytes.successor(key);
        return s == null ? key : s;
    }

    private static boolean nullable(ViewLayout layout, IndexField f) {
        return layout.definition().property(f.field()).map(PropertyDef::nullable).orElse(false);
    }

    private static Object value(ViewLayout layout, IndexField f, Condition c) {
        PropertyType type = layout.fieldType(f);
        String v = c.value();
        try {
            return switch (type) {
                case LONG -> Ids.decimal(v);
                case INT -> Math.toIntExact(Ids.decimal(v));
                case DOUBLE -> {
                    double d = Double.parseDouble(v);
                    if (Double.isNaN(d)) {
                        throw new NumberFormatException();
                    }
                    yield d;
                }
                case BOOLEAN -> switch (v) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new NumberFormatException();
                };
                case STRING -> v;
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw ProblemException.badRequest("range", "'" + Texts.abbreviate(v) + "' is not a " + type.wireName()
                    + " value for '" + f.field() + "'");
        }
    }

    private static Condition parse(String r) {
        int first = r.indexOf(':');
        int second = first < 0 ? -1 : r.indexOf(':', first + 1);
        if (first <= 0 || second < 0) {
            throw ProblemException.badRequest("range", "expected field:op:value, got '" + Texts.abbreviate(r) + "'");
        }
        return new Condition(r.substring(0, first), r.substring(first + 1, second).toLowerCase(Locale.ROOT), r.substring(second + 1));
    }

    private static List<String> fieldNames(IndexDef index) {
        return index.fields().stream().map(IndexField::field).toList();
    }
}
