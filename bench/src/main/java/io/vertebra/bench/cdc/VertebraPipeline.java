package io.vertebra.bench.cdc;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Vertebra node, {@code vertebra start} in its own JVM: the embedded log and the Connect worker in one process,
 * with a plugin path holding {@code plugins/vertebra-cdc-postgres} and {@code plugins/vertebra-jdbc} as built.
 */
final class VertebraPipeline implements PipelineRuntime {
    private final ChildProcess process;
    private final ConnectRestClient rest;

    private VertebraPipeline(ChildProcess process, ConnectRestClient rest) {
        this.process = process;
        this.rest = rest;
    }

    static Path jar() {
        String override = System.getProperty("vertebra.node.jar");
        return override != null ? Path.of(override) : ProjectLayout.root().resolve("node/target/vertebra.jar");
    }

    /** Starts the node; with {@code jfr} it records a JFR profile into {@code dir/vertebra.jfr}, written on close. */
    static VertebraPipeline start(Path dir, Path pluginPath, String heap, boolean jfr) {
        int restPort = Ports.free();
        Path config = dir.resolve("node.properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, "offset.flush.interval.ms=10000\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command =
                new ArrayList<>(List.of(ProjectLayout.javaBinary().toString(), "-Xmx" + heap, "-XX:+UseParallelGC"));
        if (jfr) {
            command.add("-XX:StartFlightRecording=filename=" + dir.resolve("vertebra.jfr") + ",settings=profile");
        }
        command.addAll(List.of(
                "-jar",
                jar().toString(),
                "start",
                "--data-dir",
                dir.resolve("data").toString(),
                "--kafka-port",
                Integer.toString(Ports.free()),
                "--rest-port",
                Integer.toString(restPort),
                "--plugin-path",
                pluginPath.toString(),
                "--config",
                config.toString()));
        ChildProcess process = ChildProcess.start("vertebra", command, dir, Map.of(), dir.resolve("vertebra.log"));
        ConnectRestClient rest = new ConnectRestClient("http://127.0.0.1:" + restPort);
        try {
            process.awaitLineContaining("vertebra ready", Duration.ofMinutes(2));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!rest.ready()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the node's Connect worker did not start:\n" + process.output());
                }
                Thread.sleep(100); // start-up polling pace, not synchronization of the measurement
            }
            return new VertebraPipeline(process, rest);
        } catch (RuntimeException | InterruptedException e) {
            process.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "Vertebra node (embedded log + worker), Vertebra JDBC sink";
    }

    @Override
    public String sinkClass() {
        return "io.vertebra.connect.jdbc.JdbcSinkConnector";
    }

    @Override
    public ConnectRestClient rest() {
        return rest;
    }

    @Override
    public long[] pids() {
        return new long[] {process.pid()};
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.terminate(Duration.ofSeconds(30));
            }
        } catch (RuntimeException e) {
            // did not stop in time
        } finally {
            process.close();
        }
    }
}
