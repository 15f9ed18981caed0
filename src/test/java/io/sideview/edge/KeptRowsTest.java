package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.sideview.edge.KeptRows.Key;
import io.sideview.edge.RecordCodec.CountRecord;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeptRowsTest {
    private static Key key(String s) {
        return new Key(s.getBytes());
    }

    private static Map<Key, byte[]> states(String node, int n) {
        Map<Key, byte[]> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(key(node + "/" + i), new byte[] {(byte) i});
        }
        return out;
    }

    private static final CountRecord COUNT = new CountRecord(3, 1, null);

    @Test
    void theLeastRecentlyUsedNodeSideGoesFirstWithItsStates() {
        KeptRows kept = new KeptRows(2, 100);
        kept.keep(key("a"), COUNT, states("a", 3));
        kept.keep(key("b"), COUNT, states("b", 3));
        assertThat(kept.count(key("a"))).isEqualTo(COUNT); // a is now the most recently used
        kept.keep(key("c"), COUNT, states("c", 3));
        assertThat(kept.count(key("b"))).isNull();
        assertThat(kept.state(key("b"), key("b/0"))).isNull();
        assertThat(kept.state(key("a"), key("a/2"))).containsExactly(2);
        assertThat(kept.nodeCount()).isEqualTo(2);
        assertThat(kept.stateCount()).isEqualTo(6);
    }

    @Test
    void statesAreBoundedOverAllNodeSides() {
        KeptRows kept = new KeptRows(100, 5);
        kept.keep(key("a"), COUNT, states("a", 3));
        kept.keep(key("b"), COUNT, states("b", 3));
        assertThat(kept.count(key("a"))).isNull();
        assertThat(kept.stateCount()).isEqualTo(3);
        // Rewriting kept states does not count them twice.
        kept.keep(key("b"), COUNT, states("b", 3));
        assertThat(kept.stateCount()).isEqualTo(3);
        assertThat(kept.count(key("b"))).isEqualTo(COUNT);
    }

    @Test
    void forgetAndClearDropCountsAndStates() {
        KeptRows kept = new KeptRows(100, 100);
        kept.keep(key("a"), COUNT, states("a", 2));
        kept.keep(key("b"), COUNT, states("b", 2));
        kept.forget(key("a"));
        assertThat(kept.count(key("a"))).isNull();
        assertThat(kept.state(key("a"), key("a/0"))).isNull();
        assertThat(kept.stateCount()).isEqualTo(2);
        kept.clear();
        assertThat(kept.count(key("b"))).isNull();
        assertThat(kept.stateCount()).isZero();
    }

    @Test
    void zeroKeepsNothing() {
        KeptRows noNodes = new KeptRows(0, 100);
        noNodes.keep(key("a"), COUNT, states("a", 2));
        assertThat(noNodes.count(key("a"))).isNull();
        KeptRows noStates = new KeptRows(100, 0);
        noStates.keep(key("a"), COUNT, states("a", 2));
        assertThat(noStates.count(key("a"))).isEqualTo(COUNT);
        assertThat(noStates.state(key("a"), key("a/0"))).isNull();
    }
}
