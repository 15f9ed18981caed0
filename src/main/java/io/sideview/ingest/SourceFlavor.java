package io.sideview.ingest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which server a source group runs: it picks the Debezium connector and the JDBC driver of history copies. */
public enum SourceFlavor {
    MARIADB("io.debezium.connector.mariadb.MariaDbConnector", "jdbc:mariadb://"),
    MYSQL("io.debezium.connector.mysql.MySqlConnector", "jdbc:mysql://");

    final String connectorClass;
    final String jdbcScheme;

    SourceFlavor(String connectorClass, String jdbcScheme) {
        this.connectorClass = connectorClass;
        this.jdbcScheme = jdbcScheme;
    }

    /** As written in the configuration: {@code mariadb} or {@code mysql}. */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SourceFlavor of(String text) {
        for (SourceFlavor f : values()) {
            if (f.configName().equals(text)) {
                return f;
            }
        }
        throw new IllegalArgumentException("must be mariadb or mysql");
    }
}
