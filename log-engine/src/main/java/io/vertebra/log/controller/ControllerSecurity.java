package io.vertebra.log.controller;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.TlsContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * How the controller (Raft) port protects itself, from the node config:
 *
 * <ul>
 *   <li><b>mutual TLS</b> with the broker's key and trust stores, on every Raft connection (peer to peer, client to
 *       server, admin): on when the listener uses TLS (SSL, SASL_SSL), when it uses SASL_PLAINTEXT and a key store
 *       is set, and when {@code controller.ssl.enable=true}. A peer or client without a certificate the trust store
 *       holds cannot connect; the trust store must be the operator's own (not the JVM's public CAs).
 *   <li><b>a shared secret</b> ({@code controller.secret}): every metadata entry and heartbeat is sealed with an
 *       HMAC (see {@link EntryAuthenticator}); unsealed ones are refused and never applied.
 *   <li>the bind address of the port ({@code controller.listener.host}, default the listener's).
 * </ul>
 *
 * A SASL_PLAINTEXT cluster, whose Kafka clients must authenticate, must protect its controller port too: without a
 * key store or a secret it does not start. Immutable; nothing it prints holds a secret.
 */
public final class ControllerSecurity {
    private final String bindHost;
    private final GrpcTlsConfig tls;
    private final EntryAuthenticator authenticator;

    private ControllerSecurity(String bindHost, GrpcTlsConfig tls, EntryAuthenticator authenticator) {
        this.bindHost = bindHost;
        this.tls = tls;
        this.authenticator = authenticator;
    }

    /**
     * Reads and checks the controller port's settings. {@code listener} is the broker listener's security (its TLS
     * material is reused). Throws one {@link ConfigException} naming every problem.
     */
    public static ControllerSecurity from(BrokerConfig config, ListenerSecurity listener) {
        List<String> problems = new ArrayList<>();
        SecurityProtocol protocol = listener.protocol();
        String keystore = config.getString(BrokerConfig.SSL_KEYSTORE_LOCATION);
        boolean keystoreSet = keystore != null && !keystore.isBlank();
        boolean explicit = config.getBoolean(BrokerConfig.CONTROLLER_SSL_ENABLE);
        // a single node (no quorum) has no controller port: only the settings themselves are checked
        boolean cluster = !config.getString(BrokerConfig.CONTROLLER_QUORUM).isBlank();
        boolean tlsWanted = explicit
                || protocol == SecurityProtocol.SSL
                || protocol == SecurityProtocol.SASL_SSL
                || (protocol == SecurityProtocol.SASL_PLAINTEXT && keystoreSet);
        String reason = explicit
                ? BrokerConfig.CONTROLLER_SSL_ENABLE + "=true"
                : BrokerConfig.LISTENER_SECURITY_PROTOCOL + "=" + protocol;

        Password secret = config.getPassword(BrokerConfig.CONTROLLER_SECRET);
        EntryAuthenticator authenticator = EntryAuthenticator.NONE;
        if (secret != null) {
            String value = secret.value();
            if (value.length() < BrokerConfig.CONTROLLER_SECRET_MIN_LENGTH) {
                problems.add(BrokerConfig.CONTROLLER_SECRET + " is " + value.length() + " characters long; it needs at"
                        + " least " + BrokerConfig.CONTROLLER_SECRET_MIN_LENGTH
                        + " (e.g. the output of 'openssl rand -base64 32'), the same on every node");
            } else if (value.isBlank()) {
                problems.add(BrokerConfig.CONTROLLER_SECRET + " is blank");
            } else {
                authenticator = EntryAuthenticator.withSecret(value);
            }
        }

        GrpcTlsConfig tls = null;
        if (tlsWanted && (cluster || explicit)) {
            TlsContext material = listener.tls();
            if (material == null) {
                List<String> tlsProblems = new ArrayList<>();
                if (!keystoreSet) {
                    tlsProblems.add(BrokerConfig.SSL_KEYSTORE_LOCATION + " is not set: " + reason + " needs a key"
                            + " store holding this node's certificate and private key for mutual TLS on the"
                            + " controller port");
                } else {
                    material = TlsContext.load(config, tlsProblems);
                }
                problems.addAll(tlsProblems);
            }
            if (material != null) {
                if (!material.ownTrustStore()) {
                    problems.add(BrokerConfig.SSL_TRUSTSTORE_LOCATION + " is not set: the controller port ("
                            + reason + ") accepts only peers whose certificate the trust store holds, and the JVM's"
                            + " public CAs would let anyone with such a certificate in; name a trust store holding"
                            + " the nodes' certificates or their CA");
                } else {
                    tls = new GrpcTlsConfig(material.keyManager(), material.trustManager(), true);
                }
            }
        } else if (protocol == SecurityProtocol.SASL_PLAINTEXT && !authenticator.enabled() && cluster) {
            problems.add("the controller port of a " + protocol + " cluster would accept anyone: set "
                    + BrokerConfig.CONTROLLER_SECRET + " (the same on every node), or "
                    + BrokerConfig.SSL_KEYSTORE_LOCATION
                    + " and " + BrokerConfig.SSL_TRUSTSTORE_LOCATION + " for mutual TLS");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid controller port settings: " + String.join("; ", problems));
        }
        return new ControllerSecurity(config.controllerListenerHost(), tls, authenticator);
    }

    /** The address the controller port binds. */
    public String bindHost() {
        return bindHost;
    }

    public boolean tls() {
        return tls != null;
    }

    public boolean secret() {
        return authenticator.enabled();
    }

    EntryAuthenticator authenticator() {
        return authenticator;
    }

    /** Ratis parameters for the server and every client: the TLS configuration on all three gRPC services. */
    Parameters parameters() {
        Parameters parameters = new Parameters();
        if (tls != null) {
            GrpcConfigKeys.TLS.setConf(parameters, tls);
            GrpcConfigKeys.Server.setTlsConf(parameters, tls);
            GrpcConfigKeys.Client.setTlsConf(parameters, tls);
            GrpcConfigKeys.Admin.setTlsConf(parameters, tls);
        }
        return parameters;
    }

    /**
     * Whether a cluster of {@code members} nodes runs this port unprotected where others can reach it: neither TLS
     * nor a secret, more than one member, on an address that is not loopback.
     */
    boolean exposed(int members) {
        if (tls != null || authenticator.enabled() || members <= 1) {
            return false;
        }
        try {
            return !InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return (tls != null ? "mutual TLS" : "no TLS")
                + (authenticator.enabled() ? ", entries sealed with" + " controller.secret" : ", no secret")
                + ", bound to " + bindHost;
    }
}
