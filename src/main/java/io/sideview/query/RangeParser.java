package io.sideview.query;

import io.sideview.api.Texts;

import io.sideview.errors.Refused;
import io.sideview.edge.IndexRange;
import io.sideview.edge.ViewLayout;
import io.sideview.registry.model.IndexDef;
import io.sideview.registry.model.IndexField;
import io.sideview.registry.model.PropertyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns {@code range=field:op:value} parameters into an {@link IndexRange} of an index: equality on
 * leading index fields, then at most one bounded field (gt, gte, lt, lte, or between "a,b"; a lower
 * and an upper bound may also be given as two parameters). Values split on the first ':' after the
 * op only, so string values may contain ':'.
 */
public final class RangeParser {
    private RangeParser() {}

    record Condition(String field, String op, String value) {}

    public static IndexRange plan(ViewLayout layout, IndexDef index, List<String> ranges) {
        List<Condition> conditions = new ArrayList<>();
        for (String r : ranges) {
            conditions.add(parse(r));
        }
        List<Object> equal = new ArrayList<>();
        List<IndexRange.Limit> limits = new ArrayList<>();
        int position = 0;
        boolean bounded = false;
        List<Condition> remaining = new ArrayList<>(conditions);
        while (!remaining.isEmpty()) {
            if (position >= index.fields().size()) {
                Condition c = remaining.get(0);
                throw Refused.badInput("range", "'" + c.field() + "' is not a field of index '" + index.name()
                        + "' after the leading fields " + fieldNames(index));
            }
            IndexField f = index.fields().get(position);
            List<Condition> here = remaining.stream().filter(c -> c.field().equals(f.field())).toList();
            if (here.isEmpty()) {
                Condition c = remaining.get(0);
                boolean known = index.fields().stream().anyMatch(x -> x.field().equals(c.field()));
                throw Refused.badInput("range", known
                        ? "range on '" + c.field() + "' needs eq on every earlier field of index '" + index.name() + "' " + fieldNames(index)
                        : "'" + c.field() + "' is not a field of index '" + index.name() + "' " + fieldNames(index));
            }
            remaining.removeAll(here);
            if (here.size() == 1 && here.get(0).op().equals("eq")) {
                if (bounded) {
                    throw Refused.badInput("range", "eq on '" + f.field() + "' after a bounded field");
                }
                equal.add(value(layout, f, here.get(0)));
                position++;
                continue;
            }
            if (!remaining.isEmpty()) {
                throw Refused.badInput("range", "only one field may be bounded, and it must be the last: '"
                        + remaining.get(0).field() + "' follows bounded '" + f.field() + "'");
            }
            bounded = true;
            limits.addAll(limits(layout, f, here));
        }
        return new IndexRange(equal, limits);
    }

    /** The limits that the conditions on one field set. */
    private static List<IndexRange.Limit> limits(ViewLayout layout, IndexField f, List<Condition> conditions) {
        List<IndexRange.Limit> out = new ArrayList<>();
        for (Condition c : conditions) {
            List<String[]> parts = new ArrayList<>();
            switch (c.op()) {
                case "between" -> {
                    int comma = c.value().indexOf(',');
                    if (comma < 0) {
                        throw Refused.badInput("range", "between needs 'low,high', got '" + Texts.abbreviate(c.value()) + "'");
                    }
                    parts.add(new String[] {"gte", c.value().substring(0, comma)});
                    parts.add(new String[] {"lte", c.value().substring(comma + 1)});
                }
                case "gt", "gte", "lt", "lte" -> parts.add(new String[] {c.op(), c.value()});
                case "eq" -> throw Refused.badInput("range", "eq on '" + f.field() + "' cannot be combined with a bound on it");
                default -> throw Refused.badInput("range", "unknown op '" + Texts.abbreviate(c.op())
                        + "'; expected eq, gt, gte, lt, lte or between");
            }
            for (String[] p : parts) {
                out.add(new IndexRange.Limit(p[0].startsWith("gt"), p[0].endsWith("e"),
                        value(layout, f, new Condition(f.field(), p[0], p[1]))));
            }
        }
        return out;
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
            throw Refused.badInput("range", "'" + Texts.abbreviate(v) + "' is not a " + type.wireName()
                    + " value for '" + f.field() + "'");
        }
    }

    private static Condition parse(String r) {
        int first = r.indexOf(':');
        int second = first < 0 ? -1 : r.indexOf(':', first + 1);
        if (first <= 0 || second < 0) {
            throw Refused.badInput("range", "expected field:op:value, got '" + Texts.abbreviate(r) + "'");
        }
        return new Condition(r.substring(0, first), r.substring(first + 1, second).toLowerCase(Locale.ROOT), r.substring(second + 1));
    }

    private static List<String> fieldNames(IndexDef index) {
        return index.fields().stream().map(IndexField::field).toList();
    }
}
