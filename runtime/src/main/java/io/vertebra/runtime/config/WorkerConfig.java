package io.vertebra.runtime.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The worker's settings. Key names follow Kafka Connect's distributed worker ({@code bootstrap.servers},
 * {@code group.id}, {@code config.storage.topic}, ...) so an existing {@code connect-distributed.properties} mostly
 * works unchanged; {@code rest.*} keys are Vertebra's (the node sets them from its own flags).
 *
 * <p>Keys with the prefixes {@code producer.}, {@code consumer.}, {@code admin.} and {@code config.providers} are
 * passed on to the clients and providers, as Kafka Connect does; {@link #DEFINITION} is what a node uses to reject
 * unknown keys.
 */
public final class WorkerConfig extends AbstractConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String GROUP_ID = "group.id";
    public static final String PLUGIN_PATH = "plugin.path";
    public static final String PLUGIN_SCAN_INTERVAL_MS = "plugin.scan.interval.ms";
    public static final String CONFIG_TOPIC = "config.storage.topic";
    public static final String OFFSET_TOPIC = "offset.storage.topic";
    public static final String STATUS_TOPIC = "status.storage.topic";
    public static final String APPLY_TOPIC = "apply.storage.topic";
    public static final String APPLY_RF = "apply.storage.replication.factor";
    public static final String CONFIG_RF = "config.storage.replication.factor";
    public static final String OFFSET_RF = "offset.storage.replication.factor";
    public static final String STATUS_RF = "status.storage.replication.factor";
    public static final String OFFSET_PARTITIONS = "offset.storage.partitions";
    public static final String STATUS_PARTITIONS = "status.storage.partitions";
    public static final String KEY_CONVERTER = "key.converter";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String HEADER_CONVERTER = "header.converter";
    public static final String OFFSET_FLUSH_INTERVAL_MS = "offset.flush.interval.ms";
    public static final String OFFSET_FLUSH_TIMEOUT_MS = "offset.flush.timeout.ms";
    public static final String TASK_SHUTDOWN_TIMEOUT_MS = "task.shutdown.graceful.timeout.ms";
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String REBALANCE_TIMEOUT_MS = "rebalance.timeout.ms";
    public static final String TOPIC_CREATION_ENABLE = "topic.creation.enable";
    public static final String TOPIC_TRACKING_ENABLE = "topic.tracking.enable";
    public static final String TOPIC_TRACKING_ALLOW_RESET = "topic.tracking.allow.reset";
    public static final String REST_HOST = "rest.host.name";
    public static final String REST_PORT = "rest.port";
    public static final String REST_ADVERTISED_HOST = "rest.advertised.host.name";
    public static final String REST_MAX_BODY_BYTES = "rest.max.body.bytes";
    public static final String REST_BASIC_AUTH_USERS = "rest.basic.auth.users";
    public static final String REST_BASIC_AUTH_OPEN_PATHS = "rest.basic.auth.open.paths";
    public static final String REST_BASIC_AUTH_ROLES = "rest.basic.auth.roles";
    public static final String REST_ALLOWED_ORIGINS = "rest.allowed.origins";
    public static final String REST_ALLOWED_HOSTS = "rest.allowed.hosts";
    public static final String REST_UNAUTHENTICATED_REMOTE_ACCESS = "rest.unauthenticated.remote.access";
    public static final String REST_SSL_KEYSTORE_LOCATION = "rest.ssl.keystore.location";
    public static final String REST_SSL_KEYSTORE_PASSWORD = "rest.ssl.keystore.password";
    public static final String REST_SSL_KEYSTORE_TYPE = "rest.ssl.keystore.type";
    public static final String REST_SSL_KEY_PASSWORD = "rest.ssl.key.password";
    public static final String REST_SSL_TRUSTSTORE_LOCATION = "rest.ssl.truststore.location";
    public static final String REST_SSL_TRUSTSTORE_PASSWORD = "rest.ssl.truststore.password";
    public static final String REST_SSL_TRUSTSTORE_TYPE = "rest.ssl.truststore.type";
    public static final String REST_SSL_CLIENT_AUTH = "rest.ssl.client.auth";
    public static final String REST_SSL_ENABLED_PROTOCOLS = "rest.ssl.enabled.protocols";
    public static final String REST_IDLE_TIMEOUT_MS = "rest.idle.timeout.ms";
    public static final String REST_MAX_CONNECTIONS = "rest.max.connections";
    public static final String CONNECTOR_ALLOWED_DIRS = "connector.allowed.dirs";
    public static final String WORKER_ID = "worker.id";
    public static final String CONFIG_PROVIDERS = "config.providers";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    BOOTSTRAP_SERVERS,
                    Type.LIST,
                    "localhost:9092",
                    Importance.HIGH,
                    "Kafka cluster the worker stores its configs, offsets and statuses in and moves records through.")
            .define(
                    GROUP_ID,
                    Type.STRING,
                    "connect-cluster",
                    Importance.HIGH,
                    "Connect cluster id: workers with the same group.id on the same Kafka cluster share connectors.")
            .define(
                    PLUGIN_PATH,
                    Type.LIST,
                    "",
                    Importance.HIGH,
                    "Plugin directories; each entry holds plugins as directories of JARs, uber JARs or zips.")
            .define(
                    PLUGIN_SCAN_INTERVAL_MS,
                    Type.LONG,
                    2000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "How often the plugin path is checked for added or removed plugins (0: never).")
            .define(
                    CONFIG_TOPIC,
                    Type.STRING,
                    "connect-configs",
                    Importance.HIGH,
                    "Compacted topic of connector configs.")
            .define(OFFSET_TOPIC, Type.STRING, "connect-offsets", Importance.HIGH, "Compacted topic of source offsets.")
            .define(STATUS_TOPIC, Type.STRING, "connect-status", Importance.HIGH, "Compacted topic of statuses.")
            .define(
                    APPLY_TOPIC,
                    Type.STRING,
                    "vertebra-apply",
                    Importance.LOW,
                    "Compacted topic of the apply sets' inventories: what each set manages, so --prune deletes only"
                            + " that.")
            .define(
                    APPLY_RF,
                    Type.SHORT,
                    (short) -1,
                    Importance.LOW,
                    "Replication factor of the apply topic (-1: broker default).")
            .define(
                    CONFIG_RF,
                    Type.SHORT,
                    (short) -1,
                    Importance.LOW,
                    "Replication factor of the config topic (-1: broker default).")
            .define(
                    OFFSET_RF,
                    Type.SHORT,
                    (short) -1,
                    Importance.LOW,
                    "Replication factor of the offset topic (-1: broker default).")
            .define(
                    STATUS_RF,
                    Type.SHORT,
                    (short) -1,
                    Importance.LOW,
                    "Replication factor of the status topic (-1: broker default).")
            .define(
                    OFFSET_PARTITIONS,
                    Type.INT,
                    25,
                    Range.atLeast(1),
                    Importance.LOW,
                    "Partitions of the offset topic.")
            .define(STATUS_PARTITIONS, Type.INT, 5, Range.atLeast(1), Importance.LOW, "Partitions of the status topic.")
            .define(
                    KEY_CONVERTER,
                    Type.STRING,
                    "org.apache.kafka.connect.json.JsonConverter",
                    Importance.HIGH,
                    "Default key converter of connectors that do not set one.")
            .define(
                    VALUE_CONVERTER,
                    Type.STRING,
                    "org.apache.kafka.connect.json.JsonConverter",
                    Importance.HIGH,
                    "Default value converter of connectors that do not set one.")
            .define(
                    HEADER_CONVERTER,
                    Type.STRING,
                    "org.apache.kafka.connect.storage.SimpleHeaderConverter",
                    Importance.LOW,
                    "Default header converter of connectors that do not set one.")
            .define(
                    OFFSET_FLUSH_INTERVAL_MS,
                    Type.LONG,
                    10_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "How often tasks commit offsets (source: to the offset topic; sink: the consumer group).")
            .define(
                    OFFSET_FLUSH_TIMEOUT_MS,
                    Type.LONG,
                    5_000L,
                    Range.atLeast(1),
                    Importance.LOW,
                    "How long a source offset commit waits for outstanding records before trying later.")
            .define(
                    TASK_SHUTDOWN_TIMEOUT_MS,
                    Type.LONG,
                    5_000L,
                    Range.atLeast(0),
                    Importance.LOW,
                    "How long a stopping task may take before the worker abandons its thread.")
            .define(SESSION_TIMEOUT_MS, Type.INT, 10_000, Importance.LOW, "Group session timeout of a worker.")
            .define(HEARTBEAT_INTERVAL_MS, Type.INT, 3_000, Importance.LOW, "Group heartbeat interval of a worker.")
            .define(REBALANCE_TIMEOUT_MS, Type.INT, 60_000, Importance.LOW, "How long a rebalance may take.")
            .define(
                    TOPIC_CREATION_ENABLE,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Lets source connectors create their topics with topic.creation.* settings.")
            .define(TOPIC_TRACKING_ENABLE, Type.BOOLEAN, true, Importance.LOW, "Track the topics each connector uses.")
            .define(
                    TOPIC_TRACKING_ALLOW_RESET,
                    Type.BOOLEAN,
                    true,
                    Importance.LOW,
                    "Allow PUT /connectors/{name}/topics/reset.")
            .define(REST_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the REST server binds.")
            .define(REST_PORT, Type.INT, 8083, Range.between(0, 65535), Importance.MEDIUM, "REST port (0: any free).")
            .define(
                    REST_ADVERTISED_HOST,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "Host other workers and clients use to reach this worker's REST API (empty: rest.host.name).")
            .define(
                    REST_MAX_BODY_BYTES,
                    Type.INT,
                    4 * 1024 * 1024,
                    Range.atLeast(1024),
                    Importance.LOW,
                    "Largest request body accepted (413 beyond).")
            .define(
                    REST_BASIC_AUTH_USERS,
                    Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Turns on HTTP Basic authentication of the REST API: the users it accepts, as"
                            + " user:password,user:password (a user name without ':' or ','; a password without ',')."
                            + " The value, or each password, may be a ${file:...}, ${env:...} or ${directory:...}"
                            + " placeholder. Unset: no authentication.")
            .define(
                    REST_BASIC_AUTH_OPEN_PATHS,
                    Type.LIST,
                    "/health,/ready",
                    Importance.LOW,
                    "Paths answered without credentials when basic authentication is on (probes of container"
                            + " platforms carry none).")
            .define(
                    REST_BASIC_AUTH_ROLES,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Roles of the users of rest.basic.auth.users, as user:role,user:role. viewer: GET and HEAD only"
                            + " (reads, /metrics, /health, /ready); admin: everything. A user not listed is admin,"
                            + " as every user was before roles existed.")
            .define(
                    REST_ALLOWED_ORIGINS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Origins (scheme://host:port) of web pages allowed to call the REST API from a browser, besides"
                            + " the API's own origin; they also get CORS headers. * allows any page (not"
                            + " recommended). A request with another Origin header gets 403; requests without one"
                            + " (curl, Terraform, kcctl) are not affected.")
            .define(
                    REST_ALLOWED_HOSTS,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "Names clients may use in the Host header, besides IP addresses, localhost, rest.host.name,"
                            + " rest.advertised.host.name and the hosts of rest.allowed.origins; * allows any. Other"
                            + " names get 403 (a DNS rebinding page would use its own name).")
            .define(
                    REST_UNAUTHENTICATED_REMOTE_ACCESS,
                    Type.BOOLEAN,
                    false,
                    Importance.HIGH,
                    "Lets the REST API listen on a non-loopback address (rest.host.name, the node's bind.host)"
                            + " without authentication (rest.basic.auth.users or rest.ssl.client.auth=required)."
                            + " false: such a worker refuses to start.")
            .define(
                    REST_SSL_KEYSTORE_LOCATION,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Turns the REST listener into HTTPS: the key store holding its certificate and private key."
                            + " Empty: plain HTTP.")
            .define(
                    REST_SSL_KEYSTORE_PASSWORD,
                    Type.PASSWORD,
                    null,
                    Importance.HIGH,
                    "Password of the REST key store (may be a ${file:...} or ${env:...} placeholder).")
            .define(
                    REST_SSL_KEYSTORE_TYPE,
                    Type.STRING,
                    "PKCS12",
                    ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                    Importance.MEDIUM,
                    "Format of the REST key store: PKCS12 or JKS.")
            .define(
                    REST_SSL_KEY_PASSWORD,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "Password of the private key in the REST key store; unset: the key store password.")
            .define(
                    REST_SSL_TRUSTSTORE_LOCATION,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Trust store of the certificates (or their CA) accepted from REST clients that present one;"
                            + " needed when rest.ssl.client.auth is requested or required.")
            .define(
                    REST_SSL_TRUSTSTORE_PASSWORD,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "Password of the REST trust store (may be a placeholder).")
            .define(
                    REST_SSL_TRUSTSTORE_TYPE,
                    Type.STRING,
                    "PKCS12",
                    ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                    Importance.LOW,
                    "Format of the REST trust store: PKCS12 or JKS.")
            .define(
                    REST_SSL_CLIENT_AUTH,
                    Type.STRING,
                    "none",
                    ConfigDef.CaseInsensitiveValidString.in("none", "requested", "required"),
                    Importance.MEDIUM,
                    "Whether REST clients must present a certificate the trust store accepts: none, requested"
                            + " (optional) or required.")
            .define(
                    REST_SSL_ENABLED_PROTOCOLS,
                    Type.LIST,
                    "TLSv1.3,TLSv1.2",
                    ConfigDef.ValidList.in(false, "TLSv1.3", "TLSv1.2"),
                    Importance.LOW,
                    "TLS versions the REST listener accepts.")
            .define(
                    REST_IDLE_TIMEOUT_MS,
                    Type.LONG,
                    300_000L,
                    Range.between(1_000L, 24L * 3600 * 1000),
                    Importance.LOW,
                    "A REST connection that sends and receives nothing for this long is closed (a request the"
                            + " worker is still answering counts as idle, so keep it above the slowest call).")
            .define(
                    REST_MAX_CONNECTIONS,
                    Type.INT,
                    1000,
                    Range.atLeast(1),
                    Importance.LOW,
                    "The most REST connections open at once; a connection beyond is closed as soon as it is"
                            + " accepted (counted in vertebra_connect_rest_connections_refused_total, logged at most every"
                            + " 10 s), while open ones keep working.")
            .define(
                    CONNECTOR_ALLOWED_DIRS,
                    Type.LIST,
                    "data/quickstart/pipeline",
                    Importance.HIGH,
                    "The local directories the bundled file source, file sink and Parquet sink (file: stores) may"
                            + " read and write; a connector config naming a path elsewhere (after following '..' and"
                            + " symbolic links) is refused at validation and at start, naming the key. Relative"
                            + " entries: from the node config file's directory, or the working directory when set"
                            + " otherwise. Default: the quickstart's directory, relative to the working directory."
                            + " Empty: no local path at all. Passed to the connectors as the system property"
                            + " vertebra.connector.allowed.dirs, which also confines them inside Apache Kafka"
                            + " Connect. Other plugins are not confined by it.")
            .define(WORKER_ID, Type.STRING, "", Importance.LOW, "This worker's id in statuses (empty: host:port).")
            .define(
                    CONFIG_PROVIDERS,
                    Type.LIST,
                    "",
                    Importance.LOW,
                    "The config providers that resolve ${name:path:key} placeholders in connector configs and in this"
                            + " config (empty: none, placeholders stay as written and are reported). file, env and"
                            + " directory need no config.providers.NAME.class; file and directory require"
                            + " config.providers.NAME.param.allowed.paths, env config.providers.env.param.allowlist.pattern.");

    /** Key prefixes that are passed on rather than declared. */
    public static final List<String> PASS_THROUGH_PREFIXES = List.of(
            "producer.",
            "consumer.",
            "admin.",
            "config.providers.",
            "key.converter.",
            "value.converter.",
            "header.converter.",
            "listeners",
            "rest.advertised.");

    public WorkerConfig(Map<String, String> props) {
        super(DEFINITION, props, false);
    }

    /** True when {@code key} is a worker key: declared here or under a pass-through prefix. */
    public static boolean isWorkerKey(String key) {
        return DEFINITION.names().contains(key)
                || PASS_THROUGH_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** {@link #CONNECTOR_ALLOWED_DIRS}, absolute (relative entries from the working directory), normalized. */
    public List<Path> connectorAllowedDirs() {
        return getList(CONNECTOR_ALLOWED_DIRS).stream()
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry.trim()).toAbsolutePath().normalize())
                .toList();
    }

    public String groupId() {
        return getString(GROUP_ID);
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    /** Settings for a client of the given kind: bootstrap servers plus the {@code <kind>.} prefixed keys. */
    public Map<String, Object> clientConfig(String kind) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers());
        config.putAll(originalsWithPrefix(kind + "."));
        return config;
    }

    public String workerIdOr(String fallback) {
        String id = getString(WORKER_ID);
        return id.isBlank() ? fallback : id;
    }

    public static String newClientSuffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
