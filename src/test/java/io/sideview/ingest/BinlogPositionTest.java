package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The version scale every captured edge is ordered by (docs/api.md, "Versions, BINLOG"): if two
 * changes of one shard compared the wrong way round, an older row image would win.
 */
class BinlogPositionTest {
    private static final long MAX_SEQ = (1L << 20) - 1;
    private static final long MAX_POS = (1L << 32) - 1;

    private static String file(long seq) {
        return String.format("binlog.%06d", seq);
    }

    @ParameterizedTest
    @CsvSource({
        "binlog.000042, 1234, 5",
        "binlog.000001, 4, 0",
        "mysql-bin.000999, 4294967295, 1023",
        "binlog.1048575, 0, 0",
    })
    void theVersionIsFileSequencePositionAndRowPackedInThatOrder(String file, long pos, int row) {
        long seq = Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
        assertThat(new BinlogPosition(file, pos, row).version()).isEqualTo(seq << 42 | pos << 10 | row);
    }

    @Test
    void theLargestPositionStillGivesAPositiveVersion() {
        // 20 + 32 + 10 bits: the top two bits stay clear, so no version can wrap to a negative number.
        assertThat(new BinlogPosition(file(MAX_SEQ), MAX_POS, 1023).version()).isEqualTo((1L << 62) - 1);
    }

    @Test
    void rowsBeyond1023ShareTheLastRowVersion() {
        long at1023 = new BinlogPosition("binlog.000003", 500, 1023).version();
        assertThat(new BinlogPosition("binlog.000003", 500, 1024).version()).isEqualTo(at1023);
        assertThat(new BinlogPosition("binlog.000003", 500, Integer.MAX_VALUE).version()).isEqualTo(at1023);
        // ...and still stay below the next position.
        assertThat(at1023).isLessThan(new BinlogPosition("binlog.000003", 501, 0).version());
    }

    @ParameterizedTest
    @CsvSource({
        "binlog.1048576, 4",          // file sequence needs 21 bits
        "binlog.000001, 4294967296",  // position needs 33 bits
        "binlog.000001, -1",
    })
    void positionsOutsideTheVersionRangeAreRefused(String file, long pos) {
        BinlogPosition p = new BinlogPosition(file, pos, 0);
        assertThatThrownBy(p::version).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of the version range").hasMessageContaining(file);
        assertThatThrownBy(p::snapshotVersion).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"binlog.000042, 42", "mysql-bin.000001, 1", "host.with.dots-bin.000007, 7", "binlog.0, 0"})
    void theFileSequenceIsTheNumberAfterTheLastDot(String file, long seq) {
        assertThat(BinlogPosition.fileSequence(file)).isEqualTo(seq);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"binlog", "binlog.", "binlog.abc", "binlog.00004x"})
    void aFileNameWithoutANumericSuffixIsRefused(String file) {
        // NumberFormatException is an IllegalArgumentException: callers catch one type.
        assertThatThrownBy(() -> BinlogPosition.fileSequence(file)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BinlogPosition(file, 4, 0).version()).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"binlog.000042, 1234", "binlog.000001, 4", "binlog.000002, 0"})
    void aSnapshotRowSitsJustBelowEveryChangeStreamedFromItsPosition(String file, long pos) {
        BinlogPosition p = new BinlogPosition(file, pos, 7);
        long snapshot = p.snapshotVersion();
        assertThat(snapshot).isEqualTo(new BinlogPosition(file, pos, 0).version() - 1);
        // The row of the position it was taken at does not matter.
        assertThat(new BinlogPosition(file, pos, 0).snapshotVersion()).isEqualTo(snapshot);
        assertThat(snapshot).isLessThan(new BinlogPosition(file, pos, 0).version());
    }

    @Test
    void aSnapshotAtTheStartOfAFileSitsAboveEveryChangeOfThePreviousFile() {
        long snapshot = new BinlogPosition("binlog.000005", 0, 0).snapshotVersion();
        assertThat(snapshot).isGreaterThanOrEqualTo(new BinlogPosition("binlog.000004", MAX_POS, 1023).version());
        assertThat(snapshot).isLessThan(new BinlogPosition("binlog.000005", 0, 0).version());
    }

    /** Fixed seed: positions clustered around file, position and row boundaries, where packing bugs show. */
    @Test
    void versionsOrderLikeTheirPositions() {
        Random random = new Random(20261207L);
        List<BinlogPosition> positions = new ArrayList<>();
        long[] seqs = {0, 1, 2, 41, 42, MAX_SEQ - 1, MAX_SEQ};
        long[] poss = {0, 1, 4, 1023, 1024, 1 << 20, (1L << 31) - 1, 1L << 31, MAX_POS - 1, MAX_POS};
        int[] rows = {0, 1, 2, 511, 1022, 1023};
        for (int i = 0; i < 3000; i++) {
            long seq = random.nextInt(4) == 0 ? random.nextInt((int) MAX_SEQ + 1) : seqs[random.nextInt(seqs.length)];
            long pos = random.nextInt(4) == 0 ? (random.nextLong() & MAX_POS) : poss[random.nextInt(poss.length)];
            int row = random.nextInt(4) == 0 ? random.nextInt(1024) : rows[random.nextInt(rows.length)];
            positions.add(new BinlogPosition(file(seq), pos, row));
        }
        Comparator<BinlogPosition> byPosition = Comparator
                .comparingLong((BinlogPosition p) -> BinlogPosition.fileSequence(p.file()))
                .thenComparingLong(BinlogPosition::pos).thenComparingInt(BinlogPosition::row);
        for (int i = 0; i + 1 < positions.size(); i++) {
            BinlogPosition a = positions.get(i);
            BinlogPosition b = positions.get(i + 1);
            assertThat(Integer.signum(Long.compare(a.version(), b.version())))
                    .as("%s vs %s", a, b).isEqualTo(Integer.signum(byPosition.compare(a, b)));
        }
    }

    /** A copied row never overrides a change streamed from its position on, and never loses to one before it. */
    @Test
    void snapshotVersionsOrderAgainstStreamedChanges() {
        Random random = new Random(42L);
        for (int i = 0; i < 3000; i++) {
            long seq = 1 + random.nextInt(50);
            long snapshotPos = 19 + random.nextInt(100_000);
            long snapshot = new BinlogPosition(file(seq), snapshotPos, 0).snapshotVersion();
            // A change streamed at or after the snapshot position, in the same or a later file.
            long laterSeq = seq + (random.nextBoolean() ? 0 : 1 + random.nextInt(3));
            long laterPos = laterSeq == seq ? snapshotPos + random.nextInt(1000) : random.nextInt(100_000);
            BinlogPosition later = new BinlogPosition(file(laterSeq), laterPos, random.nextInt(1024));
            assertThat(later.version()).as("%s after snapshot at %d", later, snapshotPos).isGreaterThan(snapshot);
            // A change before it. Only an event at P - 1 with row 1023 would tie with the copied row, and
            // binlog events are at least 19 bytes long, so the previous one starts at P - 19 or before.
            BinlogPosition earlier = new BinlogPosition(file(seq), random.nextInt((int) snapshotPos - 18), random.nextInt(1024));
            assertThat(earlier.version()).as("%s before snapshot at %d", earlier, snapshotPos).isLessThan(snapshot);
        }
    }

    @ParameterizedTest
    @CsvSource({"binlog.000042, 1234, 5, binlog.000042:1234#5", "binlog.000042, 1234, 0, binlog.000042:1234"})
    void toStringIsFileColonPositionAndTheRowWhenThereIsOne(String file, long pos, int row, String text) {
        assertThat(new BinlogPosition(file, pos, row)).hasToString(text);
    }
}
