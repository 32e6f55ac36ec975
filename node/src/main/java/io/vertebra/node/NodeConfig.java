package io.vertebra.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertebra.runtime.config.WorkerConfig;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The node's own settings. A node config file (YAML or properties) holds these keys plus any broker setting
 * (e.g. {@code log.retention.ms}) and any Connect worker setting; nested YAML maps are flattened with dots.
 */
public final class NodeConfig extends AbstractConfig {
    public static final String NODE_ID = "node.id";
    public static final String DATA_DIR = "data.dir";
    public static final String HOST = "host";
    public static final String BIND_HOST = "bind.host";
    public static final String KAFKA_PORT = "kafka.port";
    public static final String REST_PORT = "rest.port";
    public static final String CLUSTER = "cluster";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String PLUGIN_PATH = "plugin.path";
    public static final String GROUP_ID = "group.id";
    public static final String WORKER_ENABLED = "worker.enabled";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(NODE_ID, Type.INT, 1, Range.atLeast(0), Importance.HIGH, "This node's id, unique in its cluster.")
            .define(
                    DATA_DIR,
                    Type.STRING,
                    "./data",
                    Importance.HIGH,
                    "Directory for everything the node stores: partition logs, metadata, the lock file.")
            .define(
                    HOST,
                    Type.STRING,
                    "127.0.0.1",
                    Importance.HIGH,
                    "Host name or address that clients use to reach this node (advertised in metadata).")
            .define(
                    BIND_HOST,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "Address the listeners bind. Empty: the advertised host when it is a loopback address"
                            + " (a local node stays private), otherwise all interfaces.")
            .define(
                    KAFKA_PORT,
                    Type.INT,
                    9092,
                    Range.between(0, 65535),
                    Importance.HIGH,
                    "Port of the Kafka protocol listener (0: any free port).")
            .define(
                    REST_PORT,
                    Type.INT,
                    8083,
                    Range.between(0, 65535),
                    Importance.HIGH,
                    "Port of the REST API (Kafka Connect API, health, metrics; 0: any free port).")
            .define(
                    CLUSTER,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Controller quorum as id@host:port,... (each host:port is that node's controller port)."
                            + " Empty: a single-node cluster.")
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Kafka cluster to run against as a pure worker (no embedded log). Empty: the embedded log.")
            .define(
                    PLUGIN_PATH,
                    Type.STRING,
                    "./plugins",
                    Importance.MEDIUM,
                    "Comma-separated plugin directories (each entry a directory of JARs, an uber JAR or a zip).")
            .define(
                    GROUP_ID,
                    Type.STRING,
                    "vertebra",
                    Importance.MEDIUM,
                    "Connect cluster id: workers with the same group id on the same log form one Connect cluster.")
            .define(
                    WORKER_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Run the Connect worker and its REST API on this node. false: a broker-only node (the REST"
                            + " port then serves nothing).");

    private final Map<String, String> all;

    public NodeConfig(Map<String, String> values) {
        super(DEFINITION, nodeKeys(values), false);
        this.all = Map.copyOf(values);
    }

    private static Map<String, String> nodeKeys(Map<String, String> values) {
        Map<String, String> own = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (DEFINITION.names().contains(k)) {
                own.put(k, v);
            }
        });
        return own;
    }

    /** Every key of the node config, including the broker and worker settings it carries. */
    public Map<String, String> all() {
        return all;
    }

    /** The keys that are not the node's own: broker and worker settings. */
    public Map<String, String> passThrough() {
        Map<String, String> rest = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!DEFINITION.names().contains(k)) {
                rest.put(k, v);
            }
        });
        return rest;
    }

    public int nodeId() {
        return getInt(NODE_ID);
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR));
    }

    public String host() {
        return getString(HOST);
    }

    public String bindHost() {
        String bind = getString(BIND_HOST);
        if (!bind.isBlank()) {
            return bind;
        }
        try {
            return InetAddress.getByName(host()).isLoopbackAddress() ? host() : "0.0.0.0";
        } catch (UnknownHostException e) {
            return "0.0.0.0";
        }
    }

    public int kafkaPort() {
        return getInt(KAFKA_PORT);
    }

    public int restPort() {
        return getInt(REST_PORT);
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS).trim();
    }

    public boolean embeddedLog() {
        return bootstrapServers().isEmpty();
    }

    public String cluster() {
        return getString(CLUSTER).trim();
    }

    public String pluginPath() {
        return getString(PLUGIN_PATH);
    }

    public boolean workerEnabled() {
        return getBoolean(WORKER_ENABLED);
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    /** Whether a key's value is a path (or, for the lists, a comma-separated list of them). */
    static boolean isPathKey(String key) {
        return key.equals(DATA_DIR) || isPathListKey(key) || key.endsWith(".location");
    }

    private static boolean isPathListKey(String key) {
        return key.equals(PLUGIN_PATH) || key.equals(WorkerConfig.CONNECTOR_ALLOWED_DIRS);
    }

    /** {@code values} with every relative path of a {@linkplain #isPathKey path key} resolved against {@code dir}. */
    public static Map<String, String> resolvePaths(Map<String, String> values, Path dir) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!isPathKey(k) || v == null || v.isBlank()) {
                out.put(k, v);
                return;
            }
            List<String> resolved = new ArrayList<>();
            for (String entry : isPathListKey(k) ? v.split(",") : new String[] {v}) {
                String e = entry.trim();
                resolved.add(
                        e.isEmpty() || Path.of(e).isAbsolute()
                                ? e
                                : dir.resolve(e).normalize().toString());
            }
            out.put(k, String.join(",", resolved));
        });
        return out;
    }

    /** The entries of plugin.path that do not exist (a typo or a wrong working directory loads no connectors). */
    public List<Path> missingPluginDirs() {
        List<Path> missing = new ArrayList<>();
        if (!workerEnabled()) {
            return missing;
        }
        for (String entry : pluginPath().split(",")) {
            if (!entry.isBlank() && !Files.exists(Path.of(entry.trim()))) {
                missing.add(Path.of(entry.trim()).toAbsolutePath().normalize());
            }
        }
        return missing;
    }

    /** Reads a node config file: YAML ({@code .yaml}, {@code .yml}, {@code .json}) or Java properties. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("node config file " + file + " does not exist or is not a file");
        }
        String name = file.getFileName().toString().toLowerCase();
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, String> values = new LinkedHashMap<>();
            if (name.endsWith(".properties") || name.endsWith(".conf")) {
                Properties props = new Properties();
                props.load(reader);
                props.stringPropertyNames()
                        .forEach(k -> values.put(k, props.getProperty(k).trim()));
                return values;
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(reader);
            if (root == null || root.isMissingNode() || root.isNull()) {
                return values;
            }
            if (!root.isObject()) {
                throw new ConfigException("node config file " + file + " must hold a map of settings, found a "
                        + root.getNodeType().toString().toLowerCase());
            }
            flatten("", root, values, file);
            return values;
        } catch (IOException e) {
            throw new ConfigException("cannot read node config file " + file + ": " + e.getMessage());
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, out, file);
            } else if (value.isArray()) {
                StringBuilder joined = new StringBuilder();
                for (JsonNode item : value) {
                    if (item.isContainerNode()) {
                        throw new ConfigException("node config file " + file + ": key '" + key
                                + "' must be a list of scalars, found a nested " + item.getNodeType());
                    }
                    joined.append(joined.length() == 0 ? "" : ",").append(item.asText());
                }
                out.put(key, joined.toString());
            } else if (!value.isNull()) {
                out.put(key, value.asText());
            }
        }
    }
}
