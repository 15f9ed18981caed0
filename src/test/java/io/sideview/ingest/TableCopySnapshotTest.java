package io.sideview.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A snapshot whose position cannot be read is not left open: the connection is used again (a source
 * verify holds its connections for the job), and a transaction left open there would pin old row
 * versions on the shard. SourceSnapshotIT tests the snapshot itself against a real MariaDB.
 */
class TableCopySnapshotTest {
    @Test
    void aFailedPositionReadEndsTheSnapshot() {
        List<String> executed = new ArrayList<>();
        Statement statement = (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "execute" -> executed.add((String) args[0]);
                    case "executeQuery" -> throw new SQLException("status refused");
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("createStatement")) {
                        return statement;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertThatThrownBy(() -> TableCopy.beginSnapshot(SourceFlavor.MARIADB, connection)).hasMessage("status refused");
        assertThat(executed).containsExactly("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", "COMMIT");
    }
}
