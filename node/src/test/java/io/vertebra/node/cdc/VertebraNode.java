package io.vertebra.node.cdc;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.VertebraProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A Vertebra node (embedded log + Connect worker) started the way a user starts it, {@code java -jar vertebra.jar
 * start ...}, in a child JVM. {@link #kill()} is SIGKILL; {@link #restart()} starts a new JVM on the same data
 * directory and ports, the crash-recovery case.
 *
 * <p>The jar is {@code node/target/vertebra.jar}, packaged by this module before its ITs run. One test thread drives
 * it.
 */
public final class VertebraNode implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final int kafkaPort;
    private final int restPort;
    private final String pluginPath;
    private final Map<String, String> env;
    private final List<String> extraArgs;
    private final Rest rest;
    private ChildProcess process;

    private VertebraNode(Path dataDir, String pluginPath, Map<String, String> env, List<String> extraArgs) {
        this.dataDir = dataDir;
        this.extraArgs = List.copyOf(extraArgs);
        this.kafkaPort = Ports.free();
        this.restPort = Ports.free();
        this.pluginPath = pluginPath;
        this.env = env;
        this.rest = new Rest("http://127.0.0.1:" + restPort);
    }

    /** Fails the calling test when the node has not been built (these ITs run after the node module's package). */
    private static void requireBuilt() {
        if (!Files.isRegularFile(VertebraProcess.jar())) {
            throw new IllegalStateException("no Vertebra node at " + VertebraProcess.jar()
                    + ": the node ITs run after it is packaged (./mvnw -pl node -am verify)");
        }
    }

    /**
     * Starts a node on fresh random ports with {@code pluginPath} (comma-separated directories) and the given
     * environment (e.g. the variables the {@code ${env:...}} placeholders of a pipeline name); returns once its
     * Connect worker answers REST.
     */
    public static VertebraNode start(Path dataDir, String pluginPath, Map<String, String> env) {
        return start(dataDir, pluginPath, env, List.of());
    }

    /** As above, with extra {@code vertebra start} flags (e.g. {@code --config FILE}). */
    public static VertebraNode start(Path dataDir, String pluginPath, Map<String, String> env, List<String> extraArgs) {
        requireBuilt();
        VertebraNode node = new VertebraNode(dataDir, pluginPath, env, extraArgs);
        node.launch();
        return node;
    }

    private void launch() {
        process = VertebraProcess.start(
                        dataDir,
                        kafkaPort,
                        restPort,
                        "512m",
                        List.of("-Djava.net.preferIPv4Stack=true"),
                        Stream.concat(Stream.of("--plugin-path", pluginPath), extraArgs.stream())
                                .toList(),
                        env)
                .process();
        process.awaitLineContaining("vertebra ready", READY_TIMEOUT);
        Awaitility.await("the Connect worker of node " + restPort + " answers")
                .atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the node exited:\n" + process.output());
                    }
                    return rest.status("/connectors") == 200;
                });
    }

    /** SIGKILL: no shutdown hook, no offset flush, no clean leave of the group. */
    public void kill() {
        process.kill();
    }

    /** A new JVM on the same data directory and ports (after {@link #kill()}). */
    public void restart() {
        if (process.isAlive()) {
            process.kill();
        }
        launch();
    }

    public Rest rest() {
        return rest;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public ChildProcess process() {
        return process;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
