package io.sideview.ingest;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway MariaDB server with ROW binlog in its own datadir, port and socket, started from the
 * machine's mariadbd with --no-defaults (the machine's own server on 3306 is never touched). Used as
 * one shard of a source group in integration tests; can be stopped and restarted on the same data.
 */
public final class MariaDbShard implements AutoCloseable {
    public static final String CDC_USER = "cdc";
    public static final String CDC_PASSWORD = "cdc-secret";

    private final String name;
    private final int serverId;
    private final Path dir;
    private final int port;
    private Process process;

    private MariaDbShard(String name, int serverId, Path dir, int port) {
        this.name = name;
        this.serverId = serverId;
        this.dir = dir;
        this.port = port;
    }

    /** Creates a datadir, starts the server and creates the CDC user. */
    public static MariaDbShard start(String name, int serverId) throws Exception {
        Path dir = Files.createTempDirectory("sideview-shard-" + name + "-").toAbsolutePath();
        MariaDbShard shard = new MariaDbShard(name, serverId, dir, freePort());
        run(List.of("/usr/bin/mariadb-install-db", "--no-defaults", "--user=root", "--datadir=" + dir.resolve("data"),
                "--auth-root-authentication-method=normal", "--skip-test-db"), dir.resolve("install.log"));
        shard.startServer();
        shard.execute("CREATE USER '" + CDC_USER + "'@'127.0.0.1' IDENTIFIED BY '" + CDC_PASSWORD + "'",
                "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, REPLICA MONITOR, LOCK TABLES ON *.* TO '"
                        + CDC_USER + "'@'127.0.0.1'");
        return shard;
    }

    public synchronized void startServer() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/mariadbd", "--no-defaults", "--user=root",
                "--datadir=" + dir.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"), "--pid-file=" + dir.resolve("mysqld.pid"),
                "--log-error=" + dir.resolve("error.log"), "--server-id=" + serverId,
                "--log-bin=" + dir.resolve("data/binlog"), "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--expire-logs-days=1", "--skip-name-resolve", "--innodb-buffer-pool-size=32M",
                "--innodb-log-file-size=16M", "--character-set-server=utf8mb4", "--max-connections=200"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Connection c = root()) {
                return;
            } catch (SQLException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mariadbd for " + name + " exited: see " + dir.resolve("error.log"));
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("mariadbd for " + name + " did not start on port " + port);
    }

    /** Clean shutdown; the datadir stays for a restart. */
    public synchronized void stopServer() throws Exception {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        process = null;
    }

    public Connection root() throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
    }

    public void execute(String... sql) throws SQLException {
        try (Connection c = root(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public int serverId() {
        return serverId;
    }

    /** Stops the server and deletes its datadir (about 34 MB each; a full test run starts dozens). */
    @Override
    public void close() throws Exception {
        stopServer();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void run(List<String> cmd, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd.get(0) + " failed: " + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
