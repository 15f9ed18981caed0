package io.sideview;

import io.dropwizard.db.DataSourceFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * Fresh, empty metadata databases on the three supported engines: an H2 file, and new databases on
 * the machine's real PostgreSQL (127.0.0.1:5432, user postgres) and MariaDB (127.0.0.1:3306, root).
 * No fakes: the DAO suite must pass on each real server.
 */
public enum MetadataDatabases {
    H2 {
        @Override
        public DataSourceFactory create() {
            try {
                Path dir = Files.createTempDirectory("sideview-h2-");
                return factory("org.h2.Driver", "jdbc:h2:file:" + dir.resolve("metadata") + ";WRITE_DELAY=0", "sa", "");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    POSTGRESQL {
        @Override
        public DataSourceFactory create() {
            String db = "sideview_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String host = env("SIDEVIEW_TEST_PG_HOST", "127.0.0.1") + ":" + env("SIDEVIEW_TEST_PG_PORT", "5432");
            String user = env("SIDEVIEW_TEST_PG_USER", "postgres");
            exec("jdbc:postgresql://" + host + "/postgres", user, "", "CREATE DATABASE " + db);
            return factory("org.postgresql.Driver", "jdbc:postgresql://" + host + "/" + db, user, "");
        }
    },
    MARIADB {
        @Override
        public DataSourceFactory create() {
            String db = "sideview_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String host = env("SIDEVIEW_TEST_MARIADB_HOST", "127.0.0.1") + ":" + env("SIDEVIEW_TEST_MARIADB_PORT", "3306");
            String user = env("SIDEVIEW_TEST_MARIADB_USER", "root");
            exec("jdbc:mariadb://" + host + "/", user, "", "CREATE DATABASE " + db);
            return factory("org.mariadb.jdbc.Driver", "jdbc:mariadb://" + host + "/" + db, user, "");
        }
    };

    /** A new, empty database on this engine, described as Dropwizard config. */
    public abstract DataSourceFactory create();

    /** A new database with the real migrations applied, started; the caller stops it. */
    public io.dropwizard.db.ManagedDataSource migrated(String name) throws Exception {
        DataSourceFactory factory = create();
        io.sideview.ops.MigrationGuard.run(factory, new com.codahale.metrics.MetricRegistry(), true);
        io.dropwizard.db.ManagedDataSource dataSource = factory.build(new com.codahale.metrics.MetricRegistry(), name);
        dataSource.start();
        return dataSource;
    }

    private static DataSourceFactory factory(String driver, String url, String user, String password) {
        DataSourceFactory f = new DataSourceFactory();
        f.setDriverClass(driver);
        f.setUrl(url);
        f.setUser(user);
        f.setPassword(password);
        f.setInitialSize(1);
        f.setMinSize(1);
        f.setMaxSize(4);
        f.setValidationQuery("SELECT 1");
        return f;
    }

    private static void exec(String url, String user, String sql) {
        exec(url, user, "", sql);
    }

    private static void exec(String url, String user, String password, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the test database at " + url
                    + " (.ci/run starts the machine's PostgreSQL and MariaDB): " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
