package io.vertebra.log.security;

import io.vertebra.log.config.BrokerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * How the Kafka listener protects its connections, from the node config: {@code listener.security.protocol}
 * PLAINTEXT, SSL (TLS), SASL_PLAINTEXT (SASL/PLAIN) or SASL_SSL (both). The same settings make this broker's own
 * connections to the other brokers (replica fetches), which are clients of the same kind of listener: TLS with
 * this broker's key and trust stores, SASL as {@code sasl.inter.broker.username}.
 *
 * <p>With the {@linkplain #withNodeCredential node credential} attached, every listener also accepts SASL/PLAIN as
 * {@value NodeCredential#USER}: on a SASL listener beside {@code sasl.plain.users}, on a PLAINTEXT or SSL listener
 * as an optional exchange that a client may start before its first other request (one that does not stays
 * ANONYMOUS, or its certificate's subject).
 *
 * <p>Immutable and thread-safe. Nothing it prints or throws holds a password.
 */
public final class ListenerSecurity {
    public static final ListenerSecurity PLAINTEXT =
            new ListenerSecurity(SecurityProtocol.PLAINTEXT, null, null, List.of(), null, null);

    private final SecurityProtocol protocol;
    private final TlsContext tls;
    private final PlainUsers users;
    private final List<String> mechanisms;
    private final String interBrokerUser;
    private final Password interBrokerPassword;

    private ListenerSecurity(
            SecurityProtocol protocol,
            TlsContext tls,
            PlainUsers users,
            List<String> mechanisms,
            String interBrokerUser,
            Password interBrokerPassword) {
        this.protocol = protocol;
        this.tls = tls;
        this.users = users;
        this.mechanisms = mechanisms;
        this.interBrokerUser = interBrokerUser;
        this.interBrokerPassword = interBrokerPassword;
    }

    /**
     * Reads and checks the security settings, loading the TLS stores. Throws one {@link ConfigException} listing
     * every problem (key, value where it is not a secret, and what would be valid).
     */
    public static ListenerSecurity from(BrokerConfig config) {
        String protocolName = config.getString(BrokerConfig.LISTENER_SECURITY_PROTOCOL);
        SecurityProtocol protocol = SecurityProtocol.forName(protocolName.trim().toUpperCase(Locale.ROOT));
        if (protocol == SecurityProtocol.PLAINTEXT) {
            return PLAINTEXT;
        }
        List<String> problems = new ArrayList<>();
        TlsContext tls = null;
        if (protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL) {
            tls = TlsContext.load(config, problems);
        }
        PlainUsers users = null;
        List<String> mechanisms = List.of();
        String interBrokerUser = null;
        Password interBrokerPassword = null;
        if (protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL) {
            mechanisms = List.copyOf(config.getList(BrokerConfig.SASL_ENABLED_MECHANISMS));
            if (mechanisms.isEmpty()) {
                problems.add(BrokerConfig.SASL_ENABLED_MECHANISMS + " is empty; a SASL listener needs PLAIN");
            }
            Password usersValue = config.getPassword(BrokerConfig.SASL_PLAIN_USERS);
            users = PlainUsers.parse(
                    BrokerConfig.SASL_PLAIN_USERS, usersValue == null ? null : usersValue.value(), problems);
            if (users.isEmpty()) {
                problems.add(BrokerConfig.SASL_PLAIN_USERS + " names no user: a " + protocol + " listener needs the"
                        + " accepted users as user:password,... (the inter-broker user among them)");
            }
            interBrokerUser = config.getString(BrokerConfig.SASL_INTER_BROKER_USERNAME);
            interBrokerPassword = config.getPassword(BrokerConfig.SASL_INTER_BROKER_PASSWORD);
            if (interBrokerUser == null || interBrokerUser.isBlank() || interBrokerPassword == null) {
                problems.add(BrokerConfig.SASL_INTER_BROKER_USERNAME + " and " + BrokerConfig.SASL_INTER_BROKER_PASSWORD
                        + " must both be set on a " + protocol + " listener: replica fetches from the other"
                        + " brokers authenticate as that user");
            } else if (!users.isEmpty()
                    && !users.matches(
                            interBrokerUser, interBrokerPassword.value().getBytes(StandardCharsets.UTF_8))) {
                problems.add(BrokerConfig.SASL_INTER_BROKER_USERNAME + "=" + interBrokerUser + " with "
                        + BrokerConfig.SASL_INTER_BROKER_PASSWORD + " is not one of the users of "
                        + BrokerConfig.SASL_PLAIN_USERS + " " + users.names()
                        + ": the other brokers would refuse this broker's replica fetches");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid listener security settings (" + BrokerConfig.LISTENER_SECURITY_PROTOCOL
                    + "=" + protocol + "): " + String.join("; ", problems));
        }
        return new ListenerSecurity(protocol, tls, users, mechanisms, interBrokerUser, interBrokerPassword);
    }

    public SecurityProtocol protocol() {
        return protocol;
    }

    /** The TLS material, or null when the listener does not use TLS. */
    public TlsContext tls() {
        return tls;
    }

    /** True on a SASL listener: every connection must authenticate first. */
    public boolean sasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }

    /** True when connections may authenticate: a SASL listener, or any listener with the node credential. */
    public boolean acceptsSasl() {
        return users != null;
    }

    /**
     * This listener's settings that also accept the node credential: on a SASL listener as one more user, on a
     * PLAINTEXT or SSL listener as an optional SASL/PLAIN exchange.
     */
    public ListenerSecurity withNodeCredential(NodeCredential node) {
        PlainUsers withNode = (users == null ? PlainUsers.NONE : users).withNodeCredential(node);
        List<String> offered = sasl() ? mechanisms : List.of(PlainSaslServer.MECHANISM);
        return new ListenerSecurity(protocol, tls, withNode, offered, interBrokerUser, interBrokerPassword);
    }

    /** The mechanisms a SaslHandshake is told: those enabled, or none when no SASL is accepted. */
    public List<String> mechanisms() {
        return mechanisms;
    }

    /** A new authentication for one accepted connection (when {@link #acceptsSasl()}). */
    public SaslAuthentication newAuthentication(String connectionId, SaslAuthentication.Listener listener) {
        if (users == null) {
            throw new IllegalStateException("listener " + protocol + " does not use SASL");
        }
        return new SaslAuthentication(users, mechanisms, sasl(), connectionId, listener);
    }

    /** The user this broker authenticates as to the others, or null without SASL. */
    public String interBrokerUser() {
        return interBrokerUser;
    }

    /** The password of {@link #interBrokerUser()} (a {@link Password}, printed as [hidden]). */
    public Password interBrokerPassword() {
        return interBrokerPassword;
    }

    @Override
    public String toString() {
        return protocol
                + (tls == null ? "" : " (TLS, client auth " + tls.clientAuth() + ")")
                + (sasl() ? " (SASL " + mechanisms + ", inter-broker user " + interBrokerUser + ")" : "");
    }
}
