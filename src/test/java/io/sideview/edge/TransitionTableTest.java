package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The state machine, case by case: events applied in the listed order to edge 1→2; the status of
 * the last event, whether the edge ends active, its version, and chosen property values.
 */
class TransitionTableTest {

    static Mutation ins(long v, Object... kv) {
        return new Mutation(MutationType.INSERT, 1L, 2L, v, props(kv));
    }

    static Mutation upd(long v, Object... kv) {
        return new Mutation(MutationType.UPDATE, 1L, 2L, v, props(kv));
    }

    static Mutation del(long v) {
        return new Mutation(MutationType.DELETE, 1L, 2L, v, Map.of());
    }

    static Map<String, Object> props(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    record Case(String name, List<Mutation> events, ApplyStatus last, boolean active, long version, Map<String, Object> expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(String name, ApplyStatus last, boolean active, long version, Map<String, Object> expect, Mutation... events) {
        return new Case(name, List.of(events), last, active, version, expect);
    }

    static Stream<Arguments> cases() {
        Map<String, Object> none = Map.of();
        return Stream.of(
                c("insert on nothing creates", ApplyStatus.CREATED, true, 1, props("favorite", false), ins(1)),
                c("duplicate insert is idle", ApplyStatus.IDLE, true, 1, none, ins(1), ins(1)),
                c("newer delete deletes", ApplyStatus.DELETED, false, 2, none, ins(1), del(2)),
                c("stale delete is idle", ApplyStatus.IDLE, true, 2, none, ins(2), del(1)),
                c("stale insert after delete stays deleted", ApplyStatus.IDLE, false, 2, none, del(2), ins(1)),
                c("newer insert after delete creates", ApplyStatus.CREATED, true, 2, none, del(1), ins(2)),
                c("delete wins a version tie (delete last)", ApplyStatus.DELETED, false, 1, none, ins(1), del(1)),
                c("delete wins a version tie (insert last)", ApplyStatus.IDLE, false, 1, none, del(1), ins(1)),
                c("update never activates", ApplyStatus.IDLE, false, 1, props("a", 5L), upd(1, "a", 5L)),
                c("newer update survives an older insert", ApplyStatus.CREATED, true, 2, props("a", 5L), upd(2, "a", 5L), ins(1, "a", 1L)),
                c("newer update changes", ApplyStatus.UPDATED, true, 2, props("a", 2L), ins(1, "a", 1L), upd(2, "a", 2L)),
                c("stale update is idle", ApplyStatus.IDLE, true, 2, props("a", 2L), ins(2, "a", 2L), upd(1, "a", 1L)),
                c("tie on a property: greater value wins (arrives last)", ApplyStatus.UPDATED, true, 1, props("a", 2L), ins(1, "a", 1L), upd(1, "a", 2L)),
                c("tie on a property: greater value wins (arrives first)", ApplyStatus.IDLE, true, 1, props("a", 2L), ins(1, "a", 2L), upd(1, "a", 1L)),
                c("insert resets properties it does not carry", ApplyStatus.UPDATED, true, 2, props("a", 3L, "nick", null),
                        ins(1, "a", 1L, "nick", "x"), ins(2, "a", 3L)),
                c("update on a deleted edge is stored, edge stays deleted", ApplyStatus.IDLE, false, 3, props("a", 9L),
                        ins(1), del(2), upd(3, "a", 9L)),
                c("re-insert after update on deleted edge keeps newer value", ApplyStatus.CREATED, true, 5, props("a", 9L),
                        ins(1), del(2), upd(5, "a", 9L), ins(4)),
                c("old insert after newer insert and delete is idle", ApplyStatus.IDLE, true, 3, none, ins(3), del(2), ins(1)),
                c("older delete after delete is idle", ApplyStatus.IDLE, false, 5, none, del(5), del(3)),
                c("duplicate insert with properties is idle", ApplyStatus.IDLE, true, 1, props("a", 1L), ins(1, "a", 1L), ins(1, "a", 1L)),
                c("null to value", ApplyStatus.UPDATED, true, 2, props("nick", "bob"), ins(1, "nick", null), upd(2, "nick", "bob")),
                c("value to explicit null", ApplyStatus.UPDATED, true, 2, props("nick", null), ins(1, "nick", "bob"), upd(2, "nick", null)),
                c("tie between null and a value: the value wins", ApplyStatus.IDLE, false, 1, props("nick", "a"), upd(1, "nick", "a"), upd(1, "nick", null)),
                c("version is the newest of any event", ApplyStatus.UPDATED, true, 5, none, ins(1), upd(5, "a", 1L)),
                c("default applies on insert", ApplyStatus.CREATED, true, 1, props("favorite", false), ins(1, "a", 1L)),
                c("insert without a defaulted property resets it to the default", ApplyStatus.UPDATED, true, 2, props("favorite", false),
                        ins(1, "favorite", true), ins(2)),
                c("negative versions order too", ApplyStatus.CREATED, true, -5, none, ins(-5)),
                c("extreme versions tie to delete", ApplyStatus.DELETED, false, Long.MAX_VALUE, none, ins(Long.MAX_VALUE), del(Long.MAX_VALUE)),
                c("same value at a newer version is an update of version", ApplyStatus.UPDATED, true, 2, props("a", 1L),
                        ins(1, "a", 1L), upd(2, "a", 1L)),
                c("delete on nothing is idle", ApplyStatus.IDLE, false, 2, none, del(2)),
                c("insert older than delete stays deleted", ApplyStatus.IDLE, false, 3, none, ins(1), del(3), ins(2)),
                c("insert newer than delete revives", ApplyStatus.CREATED, true, 4, none, ins(1), del(3), ins(4)),
                c("double ties: greater double wins", ApplyStatus.IDLE, true, 1, props("score", 2.5), ins(1, "score", 2.5), upd(1, "score", -1.0)),
                c("string tie: code point order", ApplyStatus.UPDATED, true, 1, props("nick", "zed"), ins(1, "nick", "abe"), upd(1, "nick", "zed")),
                c("update of only some properties keeps the others", ApplyStatus.UPDATED, true, 2, props("a", 1L, "nick", "n2"),
                        ins(1, "a", 1L, "nick", "n1"), upd(2, "nick", "n2"))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void transition(Case c) {
        assertThat(cases().count()).isGreaterThanOrEqualTo(30);
        MemoryKvStore store = new MemoryKvStore();
        SideApplier applier = new SideApplier(store);
        List<ApplyStatus> statuses = new ArrayList<>();
        for (Mutation m : c.events()) {
            statuses.add(applier.apply(TestViews.LAYOUT, Side.OUT, m));
        }
        assertThat(statuses.get(statuses.size() - 1)).as("status of the last event").isEqualTo(c.last());
        EdgeState state = store.get(TestViews.LAYOUT.stateKey(Side.OUT, 1L, 2L))
                .map(b -> RecordCodec.decodeEdge(b).state()).orElse(EdgeState.EMPTY);
        assertThat(state.active()).as("active").isEqualTo(c.active());
        assertThat(state.version()).as("version").isEqualTo(c.version());
        c.expect().forEach((name, value) -> {
            var p = TestViews.EDGES.property(name).orElseThrow();
            assertThat(ViewLayout.valueOf(p, state)).as(name).isEqualTo(value);
        });
        assertThat(SideApplier.count(store, TestViews.LAYOUT, Side.OUT, 1L)).as("count").isEqualTo(c.active() ? 1 : 0);
        long indexRows = store.scan(io.sideview.storage.KeyRange.prefix(
                TestViews.LAYOUT.prefix(Side.OUT, RecordType.INDEX, 1L)), false, 100).size();
        assertThat(indexRows).as("one row per index while active").isEqualTo(c.active() ? TestViews.EDGES.indexes().size() : 0);
    }
}
