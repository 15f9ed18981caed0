package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.jackson.Jackson;
import io.sideview.edge.EdgeWriter;
import io.sideview.edge.IntakeLog;
import io.sideview.edge.MemoryKvStore;
import io.sideview.edge.Mutation;
import io.sideview.edge.MutationType;
import io.sideview.edge.Side;
import io.sideview.edge.ViewCatalog;
import io.sideview.edge.ViewLayout;
import io.sideview.edge.WalCodec;
import io.sideview.ingest.db.DeadLetterDao;
import io.sideview.ingest.db.DeadLetterRow;
import io.sideview.registry.ViewRegistry;
import io.sideview.registry.api.ViewDescriptor;
import io.sideview.registry.model.Binding;
import io.sideview.registry.model.ColumnMapping;
import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyDef;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SqlType;
import io.sideview.registry.model.VersionRule;
import io.sideview.registry.model.ViewDefinition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both kinds of dead letter round-trip through their stored format (a row change as JSON, a WAL
 * record as hex of its codec bytes), and a retry reads them back and applies them, or leaves them
 * pending with the new reason.
 */
class DeadLettersTest {
    private static final ViewDefinition FRIENDS = new ViewDefinition("friends", null, IdType.LONG, IdType.LONG,
            Direction.BOTH, List.of(new PropertyDef(1, "nick", PropertyType.STRING, true, null)), List.of(),
            new Binding("main", "app", "friendships", List.of(new ColumnMapping("user_id", SqlType.BIGINT, "source"),
                    new ColumnMapping("friend_id", SqlType.BIGINT, "target"), new ColumnMapping("nick", SqlType.VARCHAR, "nick")),
                    VersionRule.binlog(), null));
    private static final ViewLayout LAYOUT = new ViewLayout(9, FRIENDS, 0);

    /** The dead_letters table in memory. */
    private static final class Table implements DeadLetterDao {
        final Map<Long, DeadLetterRow> rows = new LinkedHashMap<>();
        long next = 1;

        @Override
        public int bump() {
            next++;
            return 1;
        }

        @Override
        public long counter() {
            return next;
        }

        @Override
        public void insert(long id, Long viewId, String viewName, DeadLetterKind kind, String shard, String position,
                           String reason, String payload, long now) {
            rows.put(id, new DeadLetterRow(id, viewId, viewName, kind, shard, position, reason, payload,
                    DeadLetterStatus.PENDING, 1, now, now));
        }

        @Override
        public List<DeadLetterRow> list(DeadLetterStatus status, long after, int limit) {
            return new ArrayList<>(rows.values());
        }

        @Override
        public Optional<DeadLetterRow> find(long id) {
            return Optional.ofNullable(rows.get(id));
        }

        @Override
        public long pending() {
            return rows.values().stream().filter(r -> r.status() == DeadLetterStatus.PENDING).count();
        }

        @Override
        public int update(long id, DeadLetterStatus status, String reason, long now) {
            DeadLetterRow r = rows.get(id);
            rows.put(id, new DeadLetterRow(r.id(), r.viewId(), r.viewName(), r.kind(), r.shard(), r.position(), reason,
                    r.payload(), status, r.attempts() + 1, r.createdAt(), now));
            return 1;
        }
    }

    /** A registry that knows the view "friends" with id 9, or nothing once it is "deleted". */
    private static final class Registry extends ViewRegistry {
        volatile boolean deleted;

        Registry() {
            super(null, null, null, null);
        }

        @Override
        public ViewDescriptor get(String name) {
            if (deleted || !name.equals("friends")) {
                throw io.sideview.errors.Refused.notFound("no view " + name);
            }
            return new ViewDescriptor(9, "friends", "ACTIVE", 1, true, Instant.EPOCH, Instant.EPOCH, FRIENDS);
        }
    }

    private final Table table = new Table();
    private final Registry registry = new Registry();
    private final MemoryKvStore store = new MemoryKvStore();
    private final EdgeWriter lanes = new EdgeWriter(store, 2);
    private final ViewCatalog catalog = new ViewCatalog(registry, 0);
    private final DeadLetters deadLetters = new DeadLetters(table, Jackson.newObjectMapper(), Clock.systemUTC(), catalog,
            io.sideview.edge.DirectWriter.applyingHere(new IntakeLog(store, lanes, catalog), lanes, 60_000));

    @AfterEach
    void stop() throws InterruptedException {
        lanes.stop();
    }

    @Test
    void aRowChangeRoundTripsThroughItsDeadLetterMappingAsBefore() throws Exception {
        // A binary nick (Debezium streams BYTES as a ByteBuffer) and a long beyond an int.
        RowChange change = new RowChange("shard0", "app", "friendships", 'u', Map.of("user_id", 1L, "friend_id", 2L),
                new java.util.HashMap<>(Map.of("user_id", 1L, "friend_id", 1L << 40,
                        "nick", java.nio.ByteBuffer.wrap("é".getBytes(java.nio.charset.StandardCharsets.UTF_8)))),
                new BinlogPosition("binlog.000002", 4711, 3), false);
        deadLetters.rowChange(new CaptureTarget("friends", "app", "friendships", LAYOUT), change, "a reason");
        DeadLetterRow row = table.rows.values().iterator().next();
        assertThat(row.kind()).isEqualTo(DeadLetterKind.ROW_CHANGE);
        assertThat(row.viewId()).isEqualTo(9L);
        RowChange back = Jackson.newObjectMapper().readValue(row.payload(), RowChange.class);
        assertThat(back.position()).isEqualTo(change.position());
        assertThat(RowMapper.map(back, FRIENDS)).isEqualTo(RowMapper.map(change, FRIENDS))
                .anySatisfy(m -> assertThat(m.properties()).containsEntry("nick", "é"));
    }

    @Test
    void aWalRecordRoundTripsThroughItsDeadLetterAndARetryAppliesIt() {
        Mutation m = new Mutation(MutationType.INSERT, 1L, 2L, 5, Map.of("nick", "n"));
        byte[] bytes = WalCodec.encode(new WalCodec.SideRecord(9, "friends", Side.IN, m));
        deadLetters.walRecord("wal-0@12", bytes, "unreadable WAL record: a newer format");
        DeadLetterRow row = table.rows.values().iterator().next();
        assertThat(row.kind()).isEqualTo(DeadLetterKind.WAL_RECORD);
        assertThat(HexFormat.of().parseHex(row.payload())).isEqualTo(bytes);

        lanes.start();
        assertThat(deadLetters.retry(row)).isEqualTo(DeadLetters.Retried.RESOLVED);
        assertThat(table.rows.get(row.id()).status()).isEqualTo(DeadLetterStatus.RESOLVED);
        assertThat(store.get(LAYOUT.stateKey(Side.IN, 2L, 1L))).as("the IN side of 1 -> 2").isPresent();
    }

    @Test
    void aRetryOfADeletedViewsRowStaysPendingWithTheReason() {
        RowChange change = new RowChange("shard0", "app", "friendships", 'c', null,
                Map.of("user_id", 1L, "friend_id", 2L), new BinlogPosition("binlog.000002", 4711, 0), false);
        deadLetters.rowChange(new CaptureTarget("friends", "app", "friendships", LAYOUT), change, "was unmappable");
        registry.deleted = true;
        DeadLetterRow row = table.rows.values().iterator().next();
        lanes.start();
        assertThat(deadLetters.retry(row)).isEqualTo(DeadLetters.Retried.STILL_PENDING);
        assertThat(table.rows.get(row.id()).reason()).contains("no longer exists");
        assertThat(table.rows.get(row.id()).status()).isEqualTo(DeadLetterStatus.PENDING);
    }
}
