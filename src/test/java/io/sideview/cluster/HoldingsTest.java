package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HoldingsTest {

    @Test
    void roundTripsThroughTheColumnsSorted() {
        Holdings h = Holdings.of(List.of("likes/s0", "friends/shard1", "friends/shard0"), List.of(11, 2, 0));
        assertThat(h.shardsColumn()).isEqualTo("friends/shard0,friends/shard1,likes/s0");
        assertThat(h.partitionsColumn()).isEqualTo("0,2,11");
        assertThat(Holdings.shards(h.shardsColumn())).containsExactly("friends/shard0", "friends/shard1", "likes/s0");
        assertThat(Holdings.partitions(h.partitionsColumn())).containsExactly(0, 2, 11);
    }

    @Test
    void emptyIsNothingAndNullIsUnknown() {
        assertThat(Holdings.NONE.shardsColumn()).isEmpty();
        assertThat(Holdings.shards("")).isEmpty();
        assertThat(Holdings.partitions("")).isEmpty();
        assertThat(Holdings.shards(null)).isNull();
        assertThat(Holdings.partitions(null)).isNull();
    }

    @Test
    void aPartitionsValueThatIsNotANumberIsSkipped() {
        assertThat(Holdings.partitions("3, x,-1,99999999999,1")).containsExactly(1, 3);
    }
}
