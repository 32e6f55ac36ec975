package io.vertebra.runtime.it;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private PostgreSQL 15 server for tests: initdb into a fresh directory, {@code wal_level=logical}, loopback and a
 * random port. As root, the server runs as the {@code postgres} OS user (initdb refuses root). {@link #available()}
 * says whether PostgreSQL is installed at all, so a test can skip instead of fail.
 */
final class PostgresServer implements AutoCloseable {
    private final Path dir;
    private final ChildProcess process;
    final int port;

    private PostgresServer(Path dir, ChildProcess process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    static Path bin() {
        String env = System.getenv("PG_BIN");
        return Path.of(env != null && !env.isBlank() ? env : "/usr/lib/postgresql/15/bin");
    }

    static boolean available() {
        return Files.isExecutable(bin().resolve("initdb")) && Files.isExecutable(bin().resolve("postgres"));
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asPostgres(List<String> command) {
        List<String> out = new ArrayList<>();
        if (root()) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(command);
        return out;
    }

    static PostgresServer start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("vertebra-pg-");
        if (root()) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        Path data = dir.resolve("data");
        run(asPostgres(List.of(
                bin().resolve("initdb").toString(),
                "-D",
                data.toString(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync")));
        int port = Ports.free();
        ChildProcess process = ChildProcess.start(
                "postgres",
                asPostgres(List.of(
                        bin().resolve("postgres").toString(),
                        "-D",
                        data.toString(),
                        "-p",
                        Integer.toString(port),
                        "-k",
                        dir.toString(),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "wal_level=logical",
                        "-c",
                        "max_wal_senders=4",
                        "-c",
                        "max_replication_slots=4",
                        "-c",
                        "fsync=off")),
                dir,
                Map.of(),
                null);
        PostgresServer server = new PostgresServer(dir, process, port);
        try {
            process.awaitLineContaining("ready to accept connections", Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Runs SQL with psql as the postgres superuser; fails with psql's output on error. */
    String sql(String statements) throws IOException, InterruptedException {
        return run(List.of(
                psql(),
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                statements));
    }

    private static String psql() {
        Path own = bin().resolve("psql");
        return Files.isExecutable(own) ? own.toString() : "psql";
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            run(asPostgres(List.of(
                    bin().resolve("pg_ctl").toString(),
                    "-D",
                    dir.resolve("data").toString(),
                    "stop",
                    "-m",
                    "immediate")));
        } catch (Exception e) {
            // not running
        }
        process.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
