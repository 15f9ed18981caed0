package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Only a purged position starts a new stream; other engine failures are retried from the offsets. */
class LostPositionTest {

    @Test
    void recognisesThePurgedPositionErrorsOfBothServers() {
        Exception mariadb = new IllegalStateException("An exception occurred in the change event producer.",
                new RuntimeException("Could not find GTID state requested by slave in any binlog files. Probably the slave "
                        + "state is too old and required binlog files have been purged. Error code: 1236; SQLSTATE: HY000."));
        Exception mysql = new RuntimeException("Could not find first log file name in binary log index file");
        Exception debezium = new RuntimeException("The connector is trying to read binlog starting at "
                + "binlog.000003:154, but this is no longer available on the server. Reconfigure the connector to use a snapshot when needed.");
        assertThat(LostPosition.isCause(mariadb)).isTrue();
        assertThat(LostPosition.isCause(mysql)).isTrue();
        assertThat(LostPosition.isCause(debezium)).isTrue();
    }

    @Test
    void otherFailuresAreNotALostPosition() {
        assertThat(LostPosition.isCause(new RuntimeException("Connection refused"))).isFalse();
        assertThat(LostPosition.isCause(new RuntimeException("binlog truncated in the middle of event; consider out of disk space"))).isFalse();
        assertThat(LostPosition.isCause(new RuntimeException((String) null))).isFalse();
    }
}
