package io.vertebra.log.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The broker's resource limits, under Kafka's names: connections in all and per client address, the memory for
 * request bytes being read, the frame size allowed before SASL authentication, and partitions per cluster and
 * per broker (KIP-578's names). Each bounds something a client could otherwise take until the node fails or
 * cannot start again (docs/security.md, "Resource limits").
 */
public final class BrokerLimits {
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String MAX_CONNECTIONS_PER_IP_OVERRIDES = "max.connections.per.ip.overrides";
    public static final String QUEUED_MAX_REQUEST_BYTES = "queued.max.request.bytes";
    public static final String SASL_SERVER_MAX_RECEIVE_SIZE = "sasl.server.max.receive.size";
    public static final String MAX_PARTITIONS = "max.partitions";
    public static final String MAX_BROKER_PARTITIONS = "max.broker.partitions";

    private BrokerLimits() {}

    static void define(ConfigDef def) {
        def.define(
                        MAX_CONNECTIONS,
                        Type.INT,
                        Integer.MAX_VALUE,
                        Range.atLeast(0),
                        MEDIUM,
                        "Most client connections the Kafka listener keeps open; one more is closed as it is accepted"
                                + " (counted in vertebra.broker.connections.refused). Connections from the other"
                                + " brokers count too.")
                .define(
                        MAX_CONNECTIONS_PER_IP,
                        Type.INT,
                        Integer.MAX_VALUE,
                        Range.atLeast(0),
                        MEDIUM,
                        "Most connections from one client address; one more is closed as it is accepted. 0 allows"
                                + " only the addresses listed in max.connections.per.ip.overrides.")
                .define(
                        MAX_CONNECTIONS_PER_IP_OVERRIDES,
                        Type.STRING,
                        "",
                        MEDIUM,
                        "Per-address exceptions to max.connections.per.ip, as host-or-ip:count,host-or-ip:count"
                                + " (host names are resolved at start).")
                .define(
                        QUEUED_MAX_REQUEST_BYTES,
                        Type.LONG,
                        -1L,
                        MEDIUM,
                        "Memory for request bytes read and not yet handled, over all connections. A frame's whole"
                                + " size is reserved when its size prefix arrives; when it does not fit, that"
                                + " connection stops reading until memory is given back. At least"
                                + " socket.request.max.bytes. -1: half of the JVM's direct memory, but at least"
                                + " socket.request.max.bytes (Kafka's -1 means no bound).")
                .define(
                        SASL_SERVER_MAX_RECEIVE_SIZE,
                        Type.INT,
                        524_288,
                        Range.atLeast(64),
                        MEDIUM,
                        "Largest frame a SASL listener accepts before the client has authenticated; a larger size"
                                + " prefix closes the connection before any buffer is allocated.")
                .define(
                        MAX_PARTITIONS,
                        Type.INT,
                        Integer.MAX_VALUE,
                        Range.atLeast(1),
                        MEDIUM,
                        "Most partitions the cluster may have: CreateTopics, CreatePartitions and topic"
                                + " auto-creation past it are refused with POLICY_VIOLATION.")
                .define(
                        MAX_BROKER_PARTITIONS,
                        Type.INT,
                        4000,
                        Range.atLeast(1),
                        MEDIUM,
                        "Most partition replicas one broker may host: a request that would place more on any"
                                + " broker is refused with POLICY_VIOLATION. Each replica keeps about three files"
                                + " open; a request that would leave the controller's process without free file"
                                + " handles (its open-file limit, ulimit -n) is refused as well.");
    }

    /** Checks the settings that depend on each other; throws naming the key, the value and what is valid. */
    static void check(BrokerConfig config) {
        long queued = config.getLong(QUEUED_MAX_REQUEST_BYTES);
        int maxRequest = config.getInt(BrokerConfig.SOCKET_REQUEST_MAX_BYTES);
        if (queued != -1 && queued < maxRequest) {
            throw new ConfigException(
                    QUEUED_MAX_REQUEST_BYTES,
                    queued,
                    "must be -1 or at least " + BrokerConfig.SOCKET_REQUEST_MAX_BYTES + " (" + maxRequest
                            + "), so that every request fits");
        }
        Map<InetAddress, Integer> overrides = perIpOverrides(config);
        if (config.getInt(MAX_CONNECTIONS_PER_IP) == 0 && overrides.isEmpty()) {
            throw new ConfigException(
                    MAX_CONNECTIONS_PER_IP,
                    0,
                    "0 refuses every client unless " + MAX_CONNECTIONS_PER_IP_OVERRIDES
                            + " names the addresses allowed");
        }
    }

    /** {@value #QUEUED_MAX_REQUEST_BYTES} with -1 resolved against {@code maxDirectMemoryBytes}. */
    public static long queuedMaxRequestBytes(BrokerConfig config, long maxDirectMemoryBytes) {
        long queued = config.getLong(QUEUED_MAX_REQUEST_BYTES);
        return queued != -1
                ? queued
                : Math.max(config.getInt(BrokerConfig.SOCKET_REQUEST_MAX_BYTES), maxDirectMemoryBytes / 2);
    }

    /** {@value #MAX_CONNECTIONS_PER_IP_OVERRIDES} parsed; host names resolved. */
    public static Map<InetAddress, Integer> perIpOverrides(BrokerConfig config) {
        String value = config.getString(MAX_CONNECTIONS_PER_IP_OVERRIDES).trim();
        Map<InetAddress, Integer> overrides = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return overrides;
        }
        for (String entry : List.of(value.split(","))) {
            String trimmed = entry.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new ConfigException(
                        MAX_CONNECTIONS_PER_IP_OVERRIDES, value, "entry '" + trimmed + "' is not host-or-ip:count");
            }
            String host = trimmed.substring(0, colon);
            int count;
            try {
                count = Integer.parseInt(trimmed.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 0) {
                throw new ConfigException(
                        MAX_CONNECTIONS_PER_IP_OVERRIDES,
                        value,
                        "the count in '" + trimmed + "' must be a whole number of 0 or more");
            }
            try {
                overrides.put(InetAddress.getByName(host.trim()), count);
            } catch (UnknownHostException e) {
                throw new ConfigException(
                        MAX_CONNECTIONS_PER_IP_OVERRIDES, value, "host '" + host + "' cannot be resolved");
            }
        }
        return overrides;
    }
}
