package io.vertebra.log.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The broker's settings: identity and listener (with its TLS and SASL security, see docs/security.md),
 * cluster-wide topic defaults (under Kafka's broker names, e.g. {@code log.retention.ms}), group coordinator and
 * replication tuning. Kafka's names and defaults wherever Kafka has the setting, so an operator's existing
 * knowledge applies.
 */
public final class BrokerConfig extends AbstractConfig {
    public static final String NODE_ID = "node.id";
    public static final String LOG_DIR = "log.dir";
    public static final String METADATA_DIR = "metadata.log.dir";
    public static final String LISTENER_HOST = "listener.host";
    public static final String LISTENER_PORT = "listener.port";
    public static final String ADVERTISED_HOST = "advertised.host";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String RACK = "broker.rack";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String FLUSH_SCHEDULER_INTERVAL_MS = "log.flush.scheduler.interval.ms";
    public static final String CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String CLEANER_ENABLE = "log.cleaner.enable";
    public static final String CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String OFFSETS_TOPIC_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String CONTROLLER_QUORUM = "controller.quorum.voters";
    public static final String CONTROLLER_ELECTION_TIMEOUT_MS = "controller.election.timeout.ms";
    public static final String CONTROLLER_LISTENER_HOST = "controller.listener.host";
    public static final String CONTROLLER_SSL_ENABLE = "controller.ssl.enable";
    public static final String CONTROLLER_SECRET = "controller.secret";
    /** Shortest {@link #CONTROLLER_SECRET} accepted. */
    public static final int CONTROLLER_SECRET_MIN_LENGTH = 16;

    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String LISTENER_SECURITY_PROTOCOL = "listener.security.protocol";
    public static final String SSL_KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "ssl.key.password";
    public static final String SSL_TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String SSL_CLIENT_AUTH = "ssl.client.auth";
    public static final String SSL_PROTOCOL = "ssl.protocol";
    public static final String SSL_ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    public static final String SSL_CIPHER_SUITES = "ssl.cipher.suites";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM = "ssl.endpoint.identification.algorithm";
    public static final String SASL_ENABLED_MECHANISMS = "sasl.enabled.mechanisms";
    public static final String SASL_PLAIN_USERS = "sasl.plain.users";
    public static final String SASL_INTER_BROKER_USERNAME = "sasl.inter.broker.username";
    public static final String SASL_INTER_BROKER_PASSWORD = "sasl.inter.broker.password";

    public static final ConfigDef DEFINITION = brokerDefinition();

    private static ConfigDef brokerDefinition() {
        ConfigDef def = new ConfigDef()
                .define(NODE_ID, Type.INT, 1, Range.atLeast(0), HIGH, "This broker's node id.")
                .define(LOG_DIR, Type.STRING, "./data/log", HIGH, "Directory holding the partition logs.")
                .define(
                        METADATA_DIR,
                        Type.STRING,
                        "",
                        MEDIUM,
                        "Directory of the metadata log; empty: 'meta' next to log.dir.")
                .define(LISTENER_HOST, Type.STRING, "127.0.0.1", HIGH, "Address the Kafka listener binds.")
                .define(
                        LISTENER_PORT,
                        Type.INT,
                        9092,
                        Range.between(0, 65535),
                        HIGH,
                        "Port of the Kafka listener (0: any free port).")
                .define(
                        ADVERTISED_HOST,
                        Type.STRING,
                        "127.0.0.1",
                        HIGH,
                        "Host that clients are told to connect to (Metadata responses).")
                .define(
                        CLUSTER_ID,
                        Type.STRING,
                        "",
                        LOW,
                        "Cluster id; empty: generated on first start and kept in the log directory.")
                .define(RACK, Type.STRING, null, LOW, "Rack of this broker, reported in metadata.")
                .define(
                        NUM_NETWORK_THREADS,
                        Type.INT,
                        Math.max(1, Runtime.getRuntime().availableProcessors()),
                        Range.atLeast(1),
                        LOW,
                        "Event-loop threads of the Kafka listener.")
                .define(
                        SOCKET_REQUEST_MAX_BYTES,
                        Type.INT,
                        100 * 1024 * 1024,
                        Range.atLeast(1024),
                        MEDIUM,
                        "Largest request frame accepted; larger size prefixes are refused before any allocation.")
                .define(
                        CONNECTIONS_MAX_IDLE_MS,
                        Type.LONG,
                        600_000L,
                        Range.atLeast(-1),
                        LOW,
                        "Idle connections are closed after this long (-1: never).")
                .define(
                        NUM_PARTITIONS,
                        Type.INT,
                        1,
                        Range.atLeast(1),
                        MEDIUM,
                        "Partitions of auto-created topics and of CreateTopics without a count.")
                .define(
                        DEFAULT_REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) 1,
                        Range.atLeast(1),
                        MEDIUM,
                        "Replication factor of auto-created topics and of CreateTopics without one.")
                .define(
                        AUTO_CREATE_TOPICS,
                        Type.BOOLEAN,
                        true,
                        MEDIUM,
                        "Create a topic when a client asks for metadata of a topic that does not exist.")
                .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, MEDIUM, "Allow DeleteTopics.")
                .define(LOG_RETENTION_HOURS, Type.INT, 168, HIGH, "Retention in hours (log.retention.ms wins).")
                .define(LOG_RETENTION_MINUTES, Type.INT, null, HIGH, "Retention in minutes (log.retention.ms wins).")
                .define(
                        RETENTION_CHECK_INTERVAL_MS,
                        Type.LONG,
                        300_000L,
                        Range.atLeast(1),
                        MEDIUM,
                        "How often segments are checked for deletion by retention.")
                .define(
                        FLUSH_SCHEDULER_INTERVAL_MS,
                        Type.LONG,
                        1_000L,
                        Range.atLeast(1),
                        MEDIUM,
                        "How often logs are checked for a time-based flush (flush.ms).")
                .define(
                        CHECKPOINT_INTERVAL_MS,
                        Type.LONG,
                        60_000L,
                        Range.atLeast(1),
                        MEDIUM,
                        "How often recovery points and high watermarks are checkpointed.")
                .define(CLEANER_ENABLE, Type.BOOLEAN, true, MEDIUM, "Run the log cleaner for compacted topics.")
                .define(
                        CLEANER_BACKOFF_MS,
                        Type.LONG,
                        15_000L,
                        Range.atLeast(0),
                        MEDIUM,
                        "Pause of the log cleaner when nothing needs cleaning.")
                .define(
                        OFFSETS_TOPIC_PARTITIONS,
                        Type.INT,
                        50,
                        Range.atLeast(1),
                        HIGH,
                        "Partitions of __consumer_offsets (fixed once created).")
                .define(
                        OFFSETS_TOPIC_REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) 3,
                        Range.atLeast(1),
                        HIGH,
                        "Replication factor of __consumer_offsets, capped by the number of brokers.")
                .define(
                        OFFSETS_RETENTION_MINUTES,
                        Type.INT,
                        7 * 24 * 60,
                        Range.atLeast(1),
                        HIGH,
                        "Committed offsets of an empty group expire after this long.")
                .define(
                        GROUP_INITIAL_REBALANCE_DELAY_MS,
                        Type.INT,
                        3000,
                        Range.atLeast(0),
                        MEDIUM,
                        "Wait for more members before the first rebalance of an empty group.")
                .define(GROUP_MIN_SESSION_TIMEOUT_MS, Type.INT, 6000, MEDIUM, "Smallest session timeout allowed.")
                .define(GROUP_MAX_SESSION_TIMEOUT_MS, Type.INT, 1_800_000, MEDIUM, "Largest session timeout allowed.")
                .define(
                        GROUP_MAX_SIZE,
                        Type.INT,
                        Integer.MAX_VALUE,
                        Range.atLeast(1),
                        MEDIUM,
                        "Most members a consumer group may have.")
                .define(
                        PRODUCER_ID_EXPIRATION_MS,
                        Type.INT,
                        86_400_000,
                        Range.atLeast(1),
                        LOW,
                        "Idempotent producer state is forgotten after this long without writes.")
                .define(
                        CONTROLLER_QUORUM,
                        Type.STRING,
                        "",
                        HIGH,
                        "Metadata quorum as id@host:port,... (each node's Raft port); empty: a standalone node with a"
                                + " local metadata log.")
                .define(
                        CONTROLLER_ELECTION_TIMEOUT_MS,
                        Type.INT,
                        200,
                        Range.atLeast(50),
                        MEDIUM,
                        "Smallest Raft election timeout (the largest is twice this): how fast a dead metadata leader"
                                + " is replaced.")
                .define(
                        BROKER_HEARTBEAT_INTERVAL_MS,
                        Type.INT,
                        100,
                        Range.atLeast(10),
                        MEDIUM,
                        "How often a broker tells the metadata leader it is alive.")
                .define(
                        BROKER_SESSION_TIMEOUT_MS,
                        Type.INT,
                        1500,
                        Range.atLeast(50),
                        HIGH,
                        "A broker silent for this long (frozen or cut off) is fenced and its partition leaderships move"
                                + " to in-sync replicas. A broker whose process dies is noticed at once by the metadata"
                                + " leader's watch connection, without waiting for this timeout.")
                .define(
                        CONTROLLED_SHUTDOWN_ENABLE,
                        Type.BOOLEAN,
                        true,
                        MEDIUM,
                        "On a clean shutdown, hand this broker's leaderships to other in-sync replicas first.")
                .define(
                        REPLICA_LAG_TIME_MAX_MS,
                        Type.LONG,
                        30_000L,
                        Range.atLeast(1),
                        HIGH,
                        "A follower that has not caught up for this long leaves the ISR.")
                .define(
                        REPLICA_FETCH_WAIT_MAX_MS,
                        Type.INT,
                        500,
                        Range.atLeast(0),
                        MEDIUM,
                        "Longest wait of a follower fetch with no new data.")
                .define(
                        REPLICA_FETCH_MAX_BYTES,
                        Type.INT,
                        1024 * 1024,
                        Range.atLeast(0),
                        MEDIUM,
                        "Bytes a follower asks for per partition.");
        defineListenerSecurity(def);
        defineControllerSecurity(def);
        BrokerLimits.define(def);
        // Topic defaults under their broker names, e.g. log.retention.ms for retention.ms.
        for (Map.Entry<String, String> synonym : LogConfig.BROKER_SYNONYMS.entrySet()) {
            ConfigDef.ConfigKey topicKey = LogConfig.DEFINITION.configKeys().get(synonym.getKey());
            Object defaultValue = synonym.getKey().equals("retention.ms") ? null : topicKey.defaultValue;
            ConfigDef.Validator validator = topicKey.validator == null
                    ? null
                    : (name, value) -> {
                        if (value != null) {
                            topicKey.validator.ensureValid(name, value);
                        }
                    };
            def.define(
                    synonym.getValue(),
                    topicKey.type,
                    defaultValue,
                    validator,
                    topicKey.importance,
                    "Default of the topic setting '" + synonym.getKey() + "': " + topicKey.documentation);
        }
        return def;
    }

    /** The listener's TLS and SASL settings, Kafka's names (see docs/security.md); all off by default. */
    private static void defineListenerSecurity(ConfigDef def) {
        def.define(
                        LISTENER_SECURITY_PROTOCOL,
                        Type.STRING,
                        "PLAINTEXT",
                        ConfigDef.CaseInsensitiveValidString.in("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
                        HIGH,
                        "Security of the Kafka listener, and of this broker's connections to the other brokers:"
                                + " PLAINTEXT, SSL (TLS), SASL_PLAINTEXT (SASL/PLAIN user and password, unencrypted)"
                                + " or SASL_SSL (SASL/PLAIN over TLS). Every broker of a cluster uses the same.")
                .define(
                        SSL_KEYSTORE_LOCATION,
                        Type.STRING,
                        null,
                        HIGH,
                        "Key store holding this broker's certificate and private key (SSL, SASL_SSL). The broker"
                                + " also presents it to the other brokers when they ask for a client certificate.")
                .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, HIGH, "Password of the key store.")
                .define(
                        SSL_KEYSTORE_TYPE,
                        Type.STRING,
                        "JKS",
                        MEDIUM,
                        "Format of the key store: JKS or PKCS12 (the JVM reads either as JKS).")
                .define(
                        SSL_KEY_PASSWORD,
                        Type.PASSWORD,
                        null,
                        HIGH,
                        "Password of the private key in the key store; unset: the key store password.")
                .define(
                        SSL_TRUSTSTORE_LOCATION,
                        Type.STRING,
                        null,
                        HIGH,
                        "Trust store: the certificates (or their CA) this broker accepts from clients that present"
                                + " one and from the other brokers. Unset: the JVM's default CAs.")
                .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, HIGH, "Password of the trust store.")
                .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", MEDIUM, "Format of the trust store: JKS or PKCS12.")
                .define(
                        SSL_CLIENT_AUTH,
                        Type.STRING,
                        "none",
                        ConfigDef.CaseInsensitiveValidString.in("required", "requested", "none"),
                        MEDIUM,
                        "Whether TLS clients must present a certificate the trust store accepts: required,"
                                + " requested (optional) or none. On SSL the principal is then User:<certificate"
                                + " subject>.")
                .define(
                        SSL_PROTOCOL,
                        Type.STRING,
                        "TLSv1.3",
                        MEDIUM,
                        "The JVM SSLContext protocol (TLSv1.3 also speaks TLSv1.2).")
                .define(
                        SSL_ENABLED_PROTOCOLS,
                        Type.LIST,
                        "TLSv1.2,TLSv1.3",
                        MEDIUM,
                        "TLS versions the listener and the inter-broker connections accept.")
                .define(SSL_CIPHER_SUITES, Type.LIST, "", LOW, "Cipher suites to allow; empty: the JVM's defaults.")
                .define(
                        SSL_ENDPOINT_IDENTIFICATION_ALGORITHM,
                        Type.STRING,
                        "https",
                        MEDIUM,
                        "How this broker checks the other brokers' certificates against their advertised host when"
                                + " it fetches from them: https (the name or IP must be in the certificate) or empty"
                                + " (trust store check only).")
                .define(
                        SASL_ENABLED_MECHANISMS,
                        Type.LIST,
                        "PLAIN",
                        ConfigDef.ValidList.in(false, "PLAIN"),
                        MEDIUM,
                        "SASL mechanisms the listener offers (SASL_PLAINTEXT, SASL_SSL); PLAIN is the one supported.")
                .define(
                        SASL_PLAIN_USERS,
                        Type.PASSWORD,
                        null,
                        HIGH,
                        "Users the SASL/PLAIN listener accepts, as user:password,user:password (a user name"
                                + " without ':' or ','; a password without ','). Keep the node config file readable"
                                + " only by the user the node runs as.")
                .define(
                        SASL_INTER_BROKER_USERNAME,
                        Type.STRING,
                        null,
                        HIGH,
                        "User this broker authenticates as when it fetches from the other brokers (SASL); must be"
                                + " one of sasl.plain.users.")
                .define(
                        SASL_INTER_BROKER_PASSWORD,
                        Type.PASSWORD,
                        null,
                        HIGH,
                        "Password of sasl.inter.broker.username.");
    }

    /** The controller (Raft) port's address and protection (see docs/security.md, "The controller port"). */
    private static void defineControllerSecurity(ConfigDef def) {
        def.define(
                        CONTROLLER_LISTENER_HOST,
                        Type.STRING,
                        "",
                        MEDIUM,
                        "Address the controller (Raft) port binds; empty: listener.host. Only the other nodes need"
                                + " to reach it: bind it to the interface of the network between the nodes.")
                .define(
                        CONTROLLER_SSL_ENABLE,
                        Type.BOOLEAN,
                        false,
                        HIGH,
                        "Mutual TLS on the controller port with the ssl.* key and trust stores even when the"
                                + " listener is PLAINTEXT or SASL_PLAINTEXT. On SSL and SASL_SSL listeners (and on"
                                + " SASL_PLAINTEXT when ssl.keystore.location is set) the controller port always uses"
                                + " it: a peer or client whose certificate the trust store does not hold cannot"
                                + " connect.")
                .define(
                        CONTROLLER_SECRET,
                        Type.PASSWORD,
                        null,
                        HIGH,
                        "Shared secret of the cluster's nodes (at least "
                                + CONTROLLER_SECRET_MIN_LENGTH
                                + " characters, the same on every node): every metadata entry and broker heartbeat"
                                + " carries an HMAC-SHA256 made with it, and an entry without a valid one is refused"
                                + " and never applied. Protects the metadata, not the Raft protocol itself: prefer"
                                + " mutual TLS (controller.ssl.enable) where the key stores exist.");
    }

    public BrokerConfig(Map<String, String> values) {
        super(DEFINITION, values, false);
        BrokerLimits.check(this);
    }

    /** The broker setting names this class knows: anything else in a node config is not for the broker. */
    public static Set<String> names() {
        return new TreeSet<>(DEFINITION.names());
    }

    /** Rejects keys that are neither broker nor topic settings, naming them. */
    public static void rejectUnknown(Map<String, String> values, Set<String> alsoAllowed) {
        Set<String> unknown = new TreeSet<>();
        for (String key : values.keySet()) {
            if (!DEFINITION.names().contains(key) && !alsoAllowed.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigException("unknown setting(s) " + unknown + "; see docs/configuration.md for the"
                    + " broker and worker settings a node accepts");
        }
    }

    public int nodeId() {
        return getInt(NODE_ID);
    }

    public Path logDir() {
        return Path.of(getString(LOG_DIR));
    }

    public Path metadataDir() {
        String dir = getString(METADATA_DIR);
        if (!dir.isBlank()) {
            return Path.of(dir);
        }
        Path parent = logDir().toAbsolutePath().getParent();
        return parent.resolve("meta");
    }

    public String listenerHost() {
        return getString(LISTENER_HOST);
    }

    public int listenerPort() {
        return getInt(LISTENER_PORT);
    }

    /** The address the controller (Raft) port binds: {@value #CONTROLLER_LISTENER_HOST}, else the listener's. */
    public String controllerListenerHost() {
        String host = getString(CONTROLLER_LISTENER_HOST).trim();
        return host.isEmpty() ? listenerHost() : host;
    }

    public String advertisedHost() {
        return getString(ADVERTISED_HOST);
    }

    /** Cluster-wide topic defaults under topic names, as LogConfig takes them. */
    public Map<String, String> topicDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Map.Entry<String, String> synonym : LogConfig.BROKER_SYNONYMS.entrySet()) {
            Object value = get(synonym.getValue());
            if (value != null) {
                defaults.put(
                        synonym.getKey(),
                        ConfigDef.convertToString(value, DEFINITION.configKeys().get(synonym.getValue()).type));
            }
        }
        if (get("log.retention.ms") == null) {
            Integer minutes = getInt(LOG_RETENTION_MINUTES);
            long ms = minutes != null ? minutes * 60_000L : getInt(LOG_RETENTION_HOURS) * 3_600_000L;
            defaults.put("retention.ms", Long.toString(ms));
        }
        return defaults;
    }
}
