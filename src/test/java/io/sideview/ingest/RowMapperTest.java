package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.ingest.RowMapper.Unmappable;
import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SoftDeleteRule;
import io.sideview.registry.model.SqlType;
import io.sideview.registry.model.VersionRule;
import io.sideview.registry.model.ViewDefinition;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules of docs/api.md, "How captured rows become mutations", one by one. */
class RowMapperTest {
    private static final BinlogPosition AT = new BinlogPosition("binlog.000003", 1234, 2);

    /** A friendships table: id (key), user_id → source, friend_id → target, four properties, and two rule-only columns. */
    private static final List<ColumnMapping> COLUMNS = List.of(
            new ColumnMapping("id", SqlType.BIGINT, null),
            new ColumnMapping("user_id", SqlType.BIGINT, "source"),
            new ColumnMapping("friend_id", SqlType.BIGINT, "target"),
            new ColumnMapping("nick", SqlType.VARCHAR, "nick"),
            new ColumnMapping("fav", SqlType.TINYINT, "favorite"),
            new ColumnMapping("score", SqlType.DECIMAL, "score"),
            new ColumnMapping("rank", SqlType.INT, "rank"),
            new ColumnMapping("deleted", SqlType.TINYINT, null),
            new ColumnMapping("v", SqlType.BIGINT, null));

    private static final List<PropertyDef> PROPERTIES = List.of(
            new PropertyDef(1, "nick", PropertyType.STRING, true, null),
            new PropertyDef(2, "favorite", PropertyType.BOOLEAN, false, false),
            new PropertyDef(3, "score", PropertyType.DOUBLE, true, null),
            new PropertyDef(4, "rank", PropertyType.INT, false, null),
            // No column feeds it: the mapper leaves it out, the state machine gives it its default.
            new PropertyDef(5, "note", PropertyType.STRING, true, null));

    private static ViewDefinition view(VersionRule version, SoftDeleteRule softDelete) {
        return new ViewDefinition("friends", null, IdType.LONG, IdType.LONG, Direction.BOTH, PROPERTIES, List.of(),
                new Binding("main", "app", "friendships", COLUMNS, version, softDelete));
    }

    private static final ViewDefinition BINLOG = view(VersionRule.binlog(), null);
    private static final ViewDefinition SOFT = view(VersionRule.binlog(), new SoftDeleteRule("deleted", "1"));
    private static final ViewDefinition COLUMN = view(new VersionRule(VersionRule.Kind.COLUMN, "v"), null);

    /** A full row image; {@code changes} are column, value pairs that replace or add columns. */
    private static Map<String, Object> row(long user, long friend, Object... changes) {
        Map<String, Object> r = new HashMap<>();
        r.put("id", 1L);
        r.put("user_id", user);
        r.put("friend_id", friend);
        r.put("nick", "bob");
        r.put("fav", (short) 1);
        r.put("score", 2.5);
        r.put("rank", 3);
        r.put("deleted", (short) 0);
        r.put("v", 100L);
        for (int i = 0; i < changes.length; i += 2) {
            r.put((String) changes[i], changes[i + 1]);
        }
        return r;
    }

    private static RowChange change(char op, Map<String, Object> before, Map<String, Object> after) {
        return new RowChange("shard1", "app", "friendships", op, before, after, AT, op == 'r');
    }

    /** Properties of {@link #row} as the mapper converts them. */
    private static Map<String, Object> props(Object... changes) {
        Map<String, Object> p = new HashMap<>();
        p.put("nick", "bob");
        p.put("favorite", true);
        p.put("score", 2.5);
        p.put("rank", 3);
        for (int i = 0; i < changes.length; i += 2) {
            p.put((String) changes[i], changes[i + 1]);
        }
        return p;
    }

    private static Mutation insert(long source, long target, long version, Map<String, Object> props) {
        return new Mutation(MutationType.INSERT, source, target, version, props);
    }

    private static Mutation delete(long source, long target, long version) {
        return new Mutation(MutationType.DELETE, source, target, version, Map.of());
    }

    @Test
    void anInsertIsAnInsertOfEveryMappedColumnAtItsBinlogVersion() throws Exception {
        List<Mutation> out = RowMapper.map(change('c', null, row(10, 20)), BINLOG);
        assertThat(out).containsExactly(insert(10, 20, AT.version(), props()));
        // Columns without mapsTo (id, deleted, v) and properties no column feeds (note) are not sent.
        assertThat(out.get(0).properties()).containsOnlyKeys("nick", "favorite", "score", "rank");
    }

    @Test
    void aCopiedRowIsAnInsertJustBelowItsCopyPosition() throws Exception {
        assertThat(RowMapper.map(change('r', null, row(10, 20)), BINLOG))
                .containsExactly(insert(10, 20, AT.snapshotVersion(), props()));
    }

    @Test
    void anUpdateKeepingItsEndsIsOneInsertOfTheWholeNewImage() throws Exception {
        Map<String, Object> before = row(10, 20);
        Map<String, Object> after = row(10, 20, "nick", "robert");
        // Unchanged columns are sent too: an upsert of the full image, so arrival order does not matter.
        assertThat(RowMapper.map(change('u', before, after), BINLOG))
                .containsExactly(insert(10, 20, AT.version(), props("nick", "robert")));
    }

    @ParameterizedTest(name = "({0},{1}) -> ({2},{3})")
    @CsvSource({"10, 20, 10, 21", "10, 20, 11, 20", "10, 20, 11, 21", "10, 20, 20, 10"})
    void anUpdateChangingSourceOrTargetDeletesTheOldEdgeFirst(long s0, long t0, long s1, long t1) throws Exception {
        assertThat(RowMapper.map(change('u', row(s0, t0), row(s1, t1)), BINLOG))
                .containsExactly(delete(s0, t0, AT.version()), insert(s1, t1, AT.version(), props()));
    }

    @Test
    void theOldEndsAreComparedAfterConversion() throws Exception {
        // An Integer 10 before and a Long 10 after are the same source: no move, no DELETE.
        assertThat(RowMapper.map(change('u', row(10, 20, "user_id", 10), row(10, 20)), BINLOG))
                .containsExactly(insert(10, 20, AT.version(), props()));
    }

    @Test
    void aDeleteIsADeleteOfTheOldRowsEdgeWithoutProperties() throws Exception {
        assertThat(RowMapper.map(change('d', row(10, 20), null), BINLOG)).containsExactly(delete(10, 20, AT.version()));
    }

    /**
     * A primary-key update arrives as d of the old key and c of the new one (two changes, one binlog
     * event, rows 0 and 1): the edge moves, and the insert wins over the delete wherever they meet.
     */
    @Test
    void aPrimaryKeyUpdateMovesTheEdgeThroughADeleteAndAnInsert() throws Exception {
        BinlogPosition deleteAt = new BinlogPosition("binlog.000003", 1234, 0);
        BinlogPosition insertAt = new BinlogPosition("binlog.000003", 1234, 1);
        List<Mutation> gone = RowMapper.map(new RowChange("shard1", "app", "friendships", 'd', row(10, 20), null, deleteAt, false), BINLOG);
        List<Mutation> moved = RowMapper.map(new RowChange("shard1", "app", "friendships", 'c', null, row(10, 21, "id", 2L), insertAt, false), BINLOG);
        assertThat(gone).containsExactly(delete(10, 20, deleteAt.version()));
        assertThat(moved).containsExactly(insert(10, 21, insertAt.version(), props()));
        assertThat(moved.get(0).version()).isGreaterThan(gone.get(0).version());
    }

    @ParameterizedTest
    @ValueSource(chars = {'t', 'x', 'm'})
    void anUnknownOperationIsUnmappable(char op) {
        assertThatThrownBy(() -> RowMapper.map(change(op, row(10, 20), row(10, 20)), BINLOG))
                .isInstanceOf(Unmappable.class).hasMessage("unknown operation '" + op + "'");
    }

    // --- soft delete ---

    /** The rule compares the column's text with {@code equals} exactly; NULL never matches. */
    static Stream<Arguments> deletedFlags() {
        return Stream.of(
                arguments((short) 1, true),
                arguments(1, true),
                arguments(1L, true),
                arguments("1", true),
                arguments("1".getBytes(StandardCharsets.UTF_8), true),
                arguments((short) 0, false),
                arguments(null, false),
                arguments("01", false),
                arguments(" 1", false),
                arguments(1.0, false),
                arguments(true, false));
    }

    @ParameterizedTest
    @MethodSource("deletedFlags")
    void aRowMatchingTheSoftDeleteRuleIsADelete(Object flag, boolean deleted) throws Exception {
        for (char op : new char[] {'c', 'r', 'u'}) {
            RowChange c = change(op, op == 'u' ? row(10, 20) : null, row(10, 20, "deleted", flag));
            Mutation expected = deleted ? delete(10, 20, c.binlogVersion()) : insert(10, 20, c.binlogVersion(), props());
            assertThat(RowMapper.map(c, SOFT)).as("op %s, flag %s", op, flag).containsExactly(expected);
        }
    }

    @Test
    void theSoftDeleteRuleNeedsNoOtherColumnToMap() throws Exception {
        // A soft-deleted row is a DELETE even when its properties would not map (DELETE carries none).
        assertThat(RowMapper.map(change('c', null, row(10, 20, "deleted", 1, "rank", null)), SOFT))
                .containsExactly(delete(10, 20, AT.version()));
    }

    @Test
    void anUpdateThatSoftDeletesAndMovesDeletesBothEdges() throws Exception {
        assertThat(RowMapper.map(change('u', row(10, 20), row(10, 21, "deleted", (short) 1)), SOFT))
                .containsExactly(delete(10, 20, AT.version()), delete(10, 21, AT.version()));
    }

    @Test
    void anUpdateThatNoLongerMatchesBringsTheEdgeBack() throws Exception {
        assertThat(RowMapper.map(change('u', row(10, 20, "deleted", (short) 1), row(10, 20)), SOFT))
                .containsExactly(insert(10, 20, AT.version(), props()));
    }

    @Test
    void aHardDeleteOfASoftDeletedRowIsStillOneDelete() throws Exception {
        assertThat(RowMapper.map(change('d', row(10, 20, "deleted", (short) 1), null), SOFT))
                .containsExactly(delete(10, 20, AT.version()));
    }

    // --- version from a column ---

    @ParameterizedTest
    @ValueSource(chars = {'c', 'r'})
    void aColumnVersionIsTheColumnsValueForCopiedRowsToo(char op) throws Exception {
        assertThat(RowMapper.map(change(op, null, row(10, 20, "v", 7L)), COLUMN)).containsExactly(insert(10, 20, 7, props()));
    }

    @Test
    void anUpdateTakesTheNewColumnVersionForBothItsMutations() throws Exception {
        assertThat(RowMapper.map(change('u', row(10, 20, "v", 7L), row(10, 21, "v", 8)), COLUMN))
                .containsExactly(delete(10, 20, 8), insert(10, 21, 8, props()));
    }

    @Test
    void aHardDeleteSupersedesTheRowsLastColumnVersion() throws Exception {
        // No new value comes with a delete: it takes the row's last version plus one, above the INSERT at 7.
        assertThat(RowMapper.map(change('d', row(10, 20, "v", 7L), null), COLUMN)).containsExactly(delete(10, 20, 8));
    }

    @ParameterizedTest
    @CsvSource({"c, NULL", "u, NULL", "d, NULL", "c, not a number", "d, not a number"})
    void aVersionColumnThatIsNullOrNotANumberIsUnmappable(char op, String problem) {
        Object v = problem.equals("NULL") ? null : "seven";
        Map<String, Object> image = row(10, 20, "v", v);
        RowChange c = change(op, op == 'c' ? null : image, op == 'd' ? null : image);
        assertThatThrownBy(() -> RowMapper.map(c, COLUMN))
                .isInstanceOf(Unmappable.class).hasMessage("version column v is " + problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"7.9", "1e20", "18446744073709551615"})
    void aVersionColumnThatIsNoWholeLongIsUnmappableNotTruncated(String value) {
        Map<String, Object> image = row(10, 20, "v", new BigDecimal(value));
        assertThatThrownBy(() -> RowMapper.map(change('c', null, image), COLUMN))
                .isInstanceOf(Unmappable.class).hasMessageContaining("is not a whole number that fits a long");
    }

    @Test
    void aMissingImageWithAColumnVersionIsUnmappableNotACrash() {
        assertThatThrownBy(() -> RowMapper.map(change('c', null, null), COLUMN)).isInstanceOf(Unmappable.class);
    }

    // --- rows that cannot be mapped ---

    static Stream<Arguments> unmappableRows() {
        return Stream.of(
                arguments('c', null, row(10, 20, "user_id", null), "source column user_id is NULL"),
                arguments('c', null, row(10, 20, "friend_id", null), "target column friend_id is NULL"),
                arguments('d', row(10, 20, "friend_id", null), null, "target column friend_id is NULL"),
                // Without a before image an update cannot tell which edge it moves from.
                arguments('u', null, row(10, 20), "source column user_id is NULL"),
                arguments('d', null, null, "source column user_id is NULL"),
                arguments('c', null, null, "source column user_id is NULL"),
                arguments('u', row(10, 20), row(10, 20, "rank", null), "column rank is NULL but property 'rank' is not nullable"),
                arguments('c', null, row(10, 20, "friend_id", "abc"), "column friend_id value abc is not a long"),
                arguments('c', null, row(10, 20, "user_id", 1.5), "column user_id value 1.5 is not a long"),
                arguments('c', null, row(10, 20, "rank", 3_000_000_000L), "column rank value 3000000000 is not a int"),
                arguments('c', null, row(10, 20, "fav", "yes"), "column fav value yes is not a boolean"),
                arguments('c', null, row(10, 20, "score", "2.5"), "column score value 2.5 is not a double"),
                arguments('c', null, row(10, 20, "rank", "x".repeat(100)), "column rank value " + "x".repeat(61) + "... is not a int"));
    }

    @ParameterizedTest
    @MethodSource("unmappableRows")
    void aRowThatCannotBeMappedIsUnmappableWithTheReason(char op, Map<String, Object> before, Map<String, Object> after, String reason) {
        assertThatThrownBy(() -> RowMapper.map(change(op, before, after), BINLOG))
                .isInstanceOf(Unmappable.class).hasMessage(reason);
    }

    @Test
    void aNullColumnGivesNullForANullablePropertyAndTheDefaultForADefaultedOne() throws Exception {
        List<Mutation> out = RowMapper.map(change('c', null, row(10, 20, "nick", null, "score", null, "fav", null)), BINLOG);
        assertThat(out).containsExactly(insert(10, 20, AT.version(), props("nick", null, "score", null, "favorite", false)));
        // Sent as an explicit null, so an update to NULL clears the property instead of leaving it.
        assertThat(out.get(0).properties()).containsKeys("nick", "score");
    }

    @Test
    void idsOfAStringViewAreTheColumnsText() throws Exception {
        ViewDefinition strings = new ViewDefinition("follows", null, IdType.STRING, IdType.STRING, Direction.OUT, List.of(), List.of(),
                new Binding("main", "app", "follows", List.of(new ColumnMapping("a", SqlType.VARCHAR, "source"),
                        new ColumnMapping("b", SqlType.BIGINT, "target")), VersionRule.binlog(), null));
        List<Mutation> out = RowMapper.map(change('c', null, Map.of("a", "alice".getBytes(StandardCharsets.UTF_8), "b", 42L)), strings);
        assertThat(out).containsExactly(new Mutation(MutationType.INSERT, "alice", "42", AT.version(), Map.of()));
    }

    // --- conversions ---

    static Stream<Arguments> conversions() {
        return Stream.of(
                arguments(PropertyType.LONG, 5, 5L),
                arguments(PropertyType.LONG, (short) -5, -5L),
                arguments(PropertyType.LONG, Long.MAX_VALUE, Long.MAX_VALUE),
                arguments(PropertyType.LONG, new BigDecimal("5.000"), 5L),
                arguments(PropertyType.LONG, BigInteger.valueOf(Long.MIN_VALUE), Long.MIN_VALUE),
                arguments(PropertyType.INT, 7L, 7),
                arguments(PropertyType.INT, (long) Integer.MIN_VALUE, Integer.MIN_VALUE),
                arguments(PropertyType.INT, (byte) 1, 1),
                arguments(PropertyType.DOUBLE, 3, 3.0),
                arguments(PropertyType.DOUBLE, 2.5f, 2.5),
                arguments(PropertyType.DOUBLE, new BigDecimal("0.125"), 0.125),
                arguments(PropertyType.BOOLEAN, true, true),
                arguments(PropertyType.BOOLEAN, (short) 0, false),
                arguments(PropertyType.BOOLEAN, (short) 1, true),
                arguments(PropertyType.BOOLEAN, 2L, true),
                arguments(PropertyType.STRING, "é", "é"),
                arguments(PropertyType.STRING, "é".getBytes(StandardCharsets.UTF_8), "é"),
                // Debezium streams binary columns as a ByteBuffer: the same text as the copy's byte[].
                arguments(PropertyType.STRING, java.nio.ByteBuffer.wrap("é".getBytes(StandardCharsets.UTF_8)), "é"),
                arguments(PropertyType.STRING, 42L, "42"),
                arguments(PropertyType.STRING, 1.5, "1.5"),
                arguments(PropertyType.STRING, true, "true"));
    }

    @ParameterizedTest
    @MethodSource("conversions")
    void valuesConvertToThePropertysJavaType(PropertyType type, Object value, Object expected) throws Exception {
        assertThat(RowMapper.convert(value, type, "c")).isEqualTo(expected).hasSameClassAs(expected);
    }

    static Stream<Arguments> refusedConversions() {
        return Stream.of(
                arguments(PropertyType.LONG, 5.0),
                arguments(PropertyType.LONG, 5.0f),
                arguments(PropertyType.LONG, new BigDecimal("5.5")),
                arguments(PropertyType.LONG, "5"),
                arguments(PropertyType.LONG, true),
                // Beyond a long: refused, never wrapped into another id.
                arguments(PropertyType.LONG, BigInteger.TWO.pow(64).subtract(BigInteger.ONE)),
                arguments(PropertyType.LONG, new BigDecimal("1e20")),
                arguments(PropertyType.BOOLEAN, BigInteger.TWO.pow(64)),
                arguments(PropertyType.INT, (long) Integer.MAX_VALUE + 1),
                arguments(PropertyType.INT, (long) Integer.MIN_VALUE - 1),
                arguments(PropertyType.INT, 1.0),
                arguments(PropertyType.DOUBLE, "1.5"),
                arguments(PropertyType.DOUBLE, true),
                arguments(PropertyType.BOOLEAN, "true"),
                arguments(PropertyType.BOOLEAN, 1.0),
                arguments(PropertyType.BOOLEAN, "1".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @MethodSource("refusedConversions")
    void valuesOfAnotherKindAreUnmappable(PropertyType type, Object value) {
        assertThatThrownBy(() -> RowMapper.convert(value, type, "col"))
                .isInstanceOf(Unmappable.class).hasMessageStartingWith("column col value ")
                .hasMessageEndingWith(" is not a " + type.wireName());
    }

    @Test
    void negativeZeroBecomesZero() throws Exception {
        // -0.0 + 0.0 is 0.0: one value for zero, so equal scores index and compare alike.
        assertThat(Double.doubleToRawLongBits((Double) RowMapper.convert(-0.0, PropertyType.DOUBLE, "c"))).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LONG", "INT", "DOUBLE", "BOOLEAN", "STRING"})
    void nullConvertsToNull(PropertyType type) throws Exception {
        assertThat(RowMapper.convert(null, type, "c")).isNull();
    }
}
