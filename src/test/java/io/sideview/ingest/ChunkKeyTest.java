package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A resumed copy binds exactly the key it stopped at: every value survives its text form. */
class ChunkKeyTest {

    @Test
    void valuesRoundTripWithTheirTypes() {
        List<Object> key = List.of(42L, -7, new BigInteger("18446744073709551615"), new BigDecimal("12.500"),
                "a,b\\c", "", "ü");
        List<Object> back = ChunkKey.decode(ChunkKey.encode(key));
        assertThat(back).containsExactly(42L, -7L, new BigInteger("18446744073709551615"), new BigDecimal("12.500"),
                "a,b\\c", "", "ü");
    }

    @Test
    void bytesRoundTripAsBytes() {
        byte[] id = {0, 1, (byte) 0xFF, ','};
        Object back = ChunkKey.decode(ChunkKey.encode(List.of(1L, id))).get(1);
        assertThat(back).isInstanceOf(byte[].class);
        assertThat(Arrays.equals((byte[]) back, id)).isTrue();
    }

    @Test
    void refusesNullsAndGarbage() {
        assertThatThrownBy(() -> ChunkKey.encode(Arrays.asList(1L, null))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkKey.decode("q:1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkKey.decode("12")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeysetConditionCoversEveryLaterKey() {
        assertThat(TableCopy.after(List.of("id"))).isEqualTo("((`id` > ?))");
        assertThat(TableCopy.after(List.of("a", "b", "c")))
                .isEqualTo("((`a` > ?) OR (`a` = ? AND `b` > ?) OR (`a` = ? AND `b` = ? AND `c` > ?))");
    }
}
