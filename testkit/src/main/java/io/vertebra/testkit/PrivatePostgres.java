package io.vertebra.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private PostgreSQL server for one test class (or one benchmark): its own data directory in a temp folder, a
 * random port on 127.0.0.1, trust authentication, {@code wal_level=logical}. It can be stopped, restarted on the same
 * port, and killed with SIGKILL (the postmaster and all its children, by pid) to test crash recovery.
 *
 * <p>Binaries come from {@code PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin}. When the JVM
 * runs as root, {@code initdb}, {@code pg_ctl} and {@code postgres} run as the {@code postgres} OS user (initdb
 * refuses root) and the data directory is handed to that user. {@link #startOrSkip} skips the calling test with a
 * clear message only when no PostgreSQL is installed at all; any other failure fails.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class PrivatePostgres implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binDir;
    private final Path baseDir;
    private final Path dataDir;
    private final int port;
    private final boolean asPostgresUser;
    private boolean running;
    /** Stops a server the caller forgot to close when the JVM exits normally (not after SIGKILL of the JVM). */
    private final Thread shutdownHook = new Thread(this::closeQuietly, "private-postgres-shutdown");

    private PrivatePostgres(Path binDir, Path baseDir, int port, boolean asPostgresUser) {
        this.binDir = binDir;
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}, if PostgreSQL is installed. */
    public static Optional<Path> binaries() {
        String env = System.getenv("PG_BIN");
        if (env != null && !env.isBlank()) {
            Path dir = Path.of(env);
            return Files.isExecutable(dir.resolve("initdb")) ? Optional.of(dir) : Optional.empty();
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin ->
                            Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PrivatePostgres::majorVersion));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString().replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Starts a fresh server; skips the calling test (JUnit assumption) when PostgreSQL is not installed. */
    public static PrivatePostgres startOrSkip(Map<String, String> settings) {
        Optional<Path> bin = binaries();
        Assumptions.assumeTrue(
                bin.isPresent(),
                "PostgreSQL is not installed: no PG_BIN and no /usr/lib/postgresql/*/bin with initdb (install"
                        + " postgresql-15 or set PG_BIN); skipping");
        return start(bin.get(), settings);
    }

    public static PrivatePostgres startOrSkip() {
        return startOrSkip(Map.of());
    }

    /** Starts a fresh server from {@code binDir} with extra {@code postgresql.conf} settings. */
    public static PrivatePostgres start(Path binDir, Map<String, String> settings) {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path base;
        try {
            base = Files.createTempDirectory("vertebra-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrivatePostgres pg = new PrivatePostgres(binDir, base, Ports.free(), root);
        try {
            pg.initdb(settings);
            pg.start();
            Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    private void initdb(Map<String, String> settings) {
        if (asPostgresUser) {
            run(List.of("chown", "-R", "postgres:postgres", baseDir.toString()), false);
            run(List.of("chmod", "700", baseDir.toString()), false);
        }
        run(
                List.of(
                        binDir.resolve("initdb").toString(),
                        "-D",
                        dataDir.toString(),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "--encoding=UTF8",
                        "--locale=C",
                        "--no-sync"),
                true);
        StringBuilder conf = new StringBuilder("\n# vertebra test settings\n");
        conf.append("listen_addresses = '127.0.0.1'\n");
        conf.append("port = ").append(port).append('\n');
        conf.append("unix_socket_directories = '").append(dataDir).append("'\n");
        conf.append("wal_level = logical\n");
        conf.append("max_wal_senders = 10\nmax_replication_slots = 10\n");
        conf.append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
        conf.append("shared_buffers = 128MB\nmax_connections = 50\n");
        settings.forEach((k, v) -> conf.append(k).append(" = '").append(v).append("'\n"));
        try {
            Files.writeString(
                    dataDir.resolve("postgresql.conf"), conf.toString(), java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server (after {@link #stop} or {@link #kill}) on the same port; waits until it accepts queries. */
    public void start() {
        run(
                List.of(
                        binDir.resolve("pg_ctl").toString(),
                        "-D",
                        dataDir.toString(),
                        "-l",
                        baseDir.resolve("postgres.log").toString(),
                        "-w",
                        "-t",
                        Long.toString(START_TIMEOUT.toSeconds()),
                        "start"),
                true);
        running = true;
        Awaitility.await("PostgreSQL on port " + port + " accepts connections")
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    try (Connection c = connect()) {
                        return c.isValid(2);
                    }
                });
    }

    /** Stops the server cleanly (fast shutdown: open transactions roll back). */
    public void stop() {
        if (running) {
            run(
                    List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "stop"),
                    true);
            running = false;
        }
    }

    public void restart() {
        stop();
        start();
    }

    /** SIGKILL to the postmaster and every process it started: the crash case. Returns once all are gone. */
    public void kill() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        long postmaster;
        try {
            postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        }
        List<ProcessHandle> victims = new ArrayList<>();
        ProcessHandle.of(postmaster).ifPresent(p -> {
            victims.add(p);
            p.children().forEach(victims::add);
        });
        for (ProcessHandle p : victims) {
            run(List.of("kill", "-KILL", Long.toString(p.pid())), false);
        }
        Awaitility.await("PostgreSQL processes exit after SIGKILL")
                .atMost(Duration.ofSeconds(30))
                .until(() -> victims.stream().noneMatch(ProcessHandle::isAlive));
        running = false;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return running;
    }

    /** JDBC URL of the {@code postgres} database (user {@code postgres}, no password). */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    public String user() {
        return "postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** Creates a database and returns its JDBC URL. */
    public String createDatabase(String name) {
        try (Connection c = connect();
                var statement = c.createStatement()) {
            statement.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return jdbcUrl(name);
    }

    /**
     * Creates a superuser role that must log in with {@code password} (SCRAM) over TCP, for databases and
     * replication, while every other role keeps trust authentication: a client given the wrong password fails.
     */
    public void createRoleWithPassword(String role, String password) {
        try (Connection c = connect();
                var statement = c.createStatement()) {
            statement.execute("CREATE ROLE \"" + role.replace("\"", "\"\"") + "\" LOGIN SUPERUSER REPLICATION"
                    + " PASSWORD '" + password.replace("'", "''") + "'");
            Path hba = dataDir.resolve("pg_hba.conf");
            String rules = "host all " + role + " 127.0.0.1/32 scram-sha-256\n" + "host replication " + role
                    + " 127.0.0.1/32 scram-sha-256\n";
            Files.writeString(hba, rules + Files.readString(hba)); // first match wins: before the trust lines
            statement.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create role " + role, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path logFile() {
        return baseDir.resolve("postgres.log");
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException ignored) {
            // the JVM is exiting
        }
    }

    /** Stops the server immediately and deletes its directory. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException alreadyExitingOrNotRegistered) {
            // nothing to remove
        }
        try {
            if (running) {
                run(
                        List.of(
                                binDir.resolve("pg_ctl").toString(),
                                "-D",
                                dataDir.toString(),
                                "-m",
                                "immediate",
                                "-w",
                                "stop"),
                        true);
                running = false;
            }
        } finally {
            deleteRecursively(baseDir);
        }
    }

    private void run(List<String> command, boolean asPostgres) {
        List<String> full = new ArrayList<>();
        if (asPostgres && asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        try {
            Process process = new ProcessBuilder(full)
                    .redirectErrorStream(true)
                    .directory(baseDir.toFile())
                    .start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + full);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(full + " exited with " + process.exitValue() + ":\n"
                        + new String(output, java.nio.charset.StandardCharsets.UTF_8) + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + full, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String logTail() {
        Path log = logFile();
        try {
            if (Files.isRegularFile(log)) {
                List<String> lines = Files.readAllLines(log);
                return "\n--- " + log + " (tail) ---\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            }
        } catch (IOException ignored) {
            // best effort
        }
        return "";
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory; leftovers are harmless
        }
    }
}
