package io.sideview.ingest;

import static io.sideview.api.Texts.abbreviate;

import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.VersionRule;
import io.sideview.registry.model.ViewDefinition;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Row change → edge mutations, by a view's binding (design §6): snapshot reads and inserts become
 * INSERTs carrying every mapped column; an update is an upsert of the full after image (so order
 * does not matter), preceded by a DELETE of the old edge when the source or target columns changed;
 * a delete is a DELETE; a row matching the soft-delete rule is a DELETE. A row that cannot be mapped
 * (NULL id, NULL in a non-nullable property, a value of the wrong type) is {@link Unmappable}.
 */
public final class RowMapper {
    private RowMapper() {}

    /** The reason a row goes to the dead letters. */
    public static final class Unmappable extends Exception {
        public Unmappable(String reason) {
            super(reason, null, false, false);
        }
    }

    public static List<Mutation> map(RowChange change, ViewDefinition view) throws Unmappable {
        Binding b = view.binding();
        List<Mutation> out = new ArrayList<>(2);
        switch (change.op()) {
            case 'r', 'c' -> out.add(image(change, change.after(), view, version(change, change.after(), b, false)));
            case 'u' -> {
                Object oldSource = id(change.before(), b, "source", view.sourceType());
                Object oldTarget = id(change.before(), b, "target", view.targetType());
                Mutation now = image(change, change.after(), view, version(change, change.after(), b, false));
                if (!Objects.equals(oldSource, now.source()) || !Objects.equals(oldTarget, now.target())) {
                    out.add(new Mutation(MutationType.DELETE, oldSource, oldTarget, now.version(), Map.of()));
                }
                out.add(now);
            }
            case 'd' -> out.add(new Mutation(MutationType.DELETE, id(change.before(), b, "source", view.sourceType()),
                    id(change.before(), b, "target", view.targetType()), version(change, change.before(), b, true), Map.of()));
            default -> throw new Unmappable("unknown operation '" + change.op() + "'");
        }
        return out;
    }

    /** INSERT of the row image, or DELETE when the soft-delete rule matches it. */
    private static Mutation image(RowChange change, Map<String, Object> row, ViewDefinition view, long version) throws Unmappable {
        Binding b = view.binding();
        Object source = id(row, b, "source", view.sourceType());
        Object target = id(row, b, "target", view.targetType());
        if (b.softDelete() != null) {
            Object flag = row.get(b.softDelete().column());
            if (flag != null && text(flag).equals(b.softDelete().equals())) {
                return new Mutation(MutationType.DELETE, source, target, version, Map.of());
            }
        }
        Map<String, Object> props = new HashMap<>();
        for (ColumnMapping c : b.columns()) {
            if (c.mapsTo() == null || c.mapsTo().equals("source") || c.mapsTo().equals("target")) {
                continue;
            }
            PropertyDef p = view.property(c.mapsTo()).orElseThrow();
            Object value = convert(row.get(c.column()), p.type(), c.column());
            if (value == null && !p.nullable()) {
                if (p.defaultValue() == null) {
                    throw new Unmappable("column " + c.column() + " is NULL but property '" + p.name() + "' is not nullable");
                }
                value = p.defaultValue();
            }
            props.put(p.name(), value);
        }
        return new Mutation(MutationType.INSERT, source, target, version, props);
    }

    private static long version(RowChange change, Map<String, Object> row, Binding b, boolean delete) throws Unmappable {
        if (b.version().from() == VersionRule.Kind.BINLOG) {
            return change.binlogVersion();
        }
        Object v = row == null ? null : row.get(b.version().column());
        if (!(v instanceof Number n)) {
            throw new Unmappable("version column " + b.version().column() + " is " + (v == null ? "NULL" : "not a number"));
        }
        long version;
        try {
            version = exactLong(n);
        } catch (IllegalArgumentException e) {
            throw new Unmappable("version column " + b.version().column() + " value " + abbreviate(text(v))
                    + " is not a whole number that fits a long");
        }
        // A hard delete carries no new version: it supersedes the row's last version.
        return delete ? version + 1 : version;
    }

    private static Object id(Map<String, Object> row, Binding b, String role, IdType type) throws Unmappable {
        String column = b.columnFor(role).orElseThrow().column();
        Object v = row == null ? null : row.get(column);
        if (v == null) {
            throw new Unmappable(role + " column " + column + " is NULL");
        }
        return convert(v, PropertyType.of(type), column);
    }

    static Object convert(Object v, PropertyType type, String column) throws Unmappable {
        if (v == null) {
            return null;
        }
        try {
            return switch (type) {
                case LONG -> v instanceof Number n ? (Object) exactLong(n) : fail();
                case INT -> v instanceof Number n ? (Object) Math.toIntExact(exactLong(n)) : fail();
                case DOUBLE -> v instanceof Number n ? (Object) (n.doubleValue() + 0.0) : fail();
                case BOOLEAN -> v instanceof Boolean ? v : v instanceof Number n ? (Object) (exactLong(n) != 0) : fail();
                case STRING -> text(v);
            };
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new Unmappable("column " + column + " value " + abbreviate(text(v)) + " is not a " + type.wireName());
        }
    }

    /**
     * The number as a long, only when it is one: a fraction, or a value beyond a long (a BIGINT
     * UNSIGNED above 2^63 - 1, say), is refused rather than truncated or wrapped into another id.
     */
    private static long exactLong(Number n) {
        try {
            if (n instanceof Double || n instanceof Float) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (n instanceof BigDecimal d) {
                return d.longValueExact();
            }
            if (n instanceof java.math.BigInteger i) {
                return i.longValueExact();
            }
            return n.longValue();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static Object fail() {
        throw new IllegalArgumentException();
    }

    /**
     * A value as text. Binary columns come as {@code byte[]} from the history copy (JDBC) and as a
     * {@code ByteBuffer} from Debezium: both read as UTF-8, so a copied and a streamed row agree.
     */
    static String text(Object v) {
        if (v instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (v instanceof java.nio.ByteBuffer buffer) {
            return java.nio.charset.StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
        }
        return String.valueOf(v);
    }
}
