package io.vertebra.node;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vertebra start}: runs one node until SIGTERM or Ctrl-C, then shuts down cleanly and exits 0. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = "Start a node: the embedded log (Kafka protocol) and a Connect worker with its REST API.")
public final class StartCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Node config file, YAML or properties.")
    Path configFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: ./data).")
    String dataDir;

    @Option(names = "--kafka-port", paramLabel = "N", description = "Kafka protocol port (default: 9092).")
    Integer kafkaPort;

    @Option(names = "--rest-port", paramLabel = "N", description = "REST API port (default: 8083).")
    Integer restPort;

    @Option(names = "--node-id", paramLabel = "N", description = "Node id (default: 1).")
    Integer nodeId;

    @Option(names = "--host", paramLabel = "H", description = "Advertised host (default: 127.0.0.1).")
    String host;

    @Option(
            names = "--cluster",
            paramLabel = "ID@HOST:PORT,...",
            description = "Controller quorum: every node's id and controller port.")
    String cluster;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "Run as a pure worker against this Kafka cluster (no embedded log).")
    String bootstrapServers;

    @Option(
            names = "--plugin-path",
            paramLabel = "DIR[,DIR]",
            description = "Connect plugin directories (default: the plugins directory of the installation).")
    String pluginPath;

    @Option(names = "--group-id", paramLabel = "ID", description = "Connect cluster group id (default: vertebra).")
    String groupId;

    @Override
    public Integer call() throws Exception {
        NodeConfig config = new NodeConfig(effectiveConfig());
        config.missingPluginDirs()
                .forEach(dir -> System.err.println("warning: plugin directory " + dir + " (plugin.path) does not"
                        + " exist: no connectors are loaded from it"));
        try (Node node = Node.start(config, phase -> {
            System.out.println("vertebra: " + phase);
            System.out.flush();
        })) {
            System.out.println(node.readyLine());
            System.out.flush();
            node.awaitShutdownSignal();
        }
        return 0;
    }

    /**
     * The config file's keys, overridden by the flags given on the command line. Relative paths in the file are
     * relative to the file's directory (the file travels with what it points at, wherever the shell is); relative
     * paths in flags to the current directory, as in any command. Without a plugin path, the installation's
     * {@code plugins} directory ({@code -Dvertebra.home}, set by the launcher and the image).
     */
    Map<String, String> effectiveConfig() {
        Map<String, String> values = new LinkedHashMap<>();
        if (configFile != null) {
            values.putAll(NodeConfig.resolvePaths(
                    NodeConfig.read(configFile), configFile.toAbsolutePath().getParent()));
        }
        String home = System.getProperty("vertebra.home");
        if (home != null && pluginPath == null && !values.containsKey(NodeConfig.PLUGIN_PATH)) {
            values.put(NodeConfig.PLUGIN_PATH, Path.of(home).resolve("plugins").toString());
        }
        put(values, NodeConfig.DATA_DIR, dataDir);
        put(values, NodeConfig.KAFKA_PORT, kafkaPort);
        put(values, NodeConfig.REST_PORT, restPort);
        put(values, NodeConfig.NODE_ID, nodeId);
        put(values, NodeConfig.HOST, host);
        put(values, NodeConfig.CLUSTER, cluster);
        put(values, NodeConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        put(values, NodeConfig.PLUGIN_PATH, pluginPath);
        put(values, NodeConfig.GROUP_ID, groupId);
        return values;
    }

    private static void put(Map<String, String> values, String key, Object flag) {
        if (flag != null) {
            values.put(key, flag.toString());
        }
    }
}
