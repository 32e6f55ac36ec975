package io.vertebra.log.security;

import io.vertebra.log.config.BrokerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.types.Password;

/**
 * The broker's TLS material, loaded once from the {@code ssl.*} settings: its key store (the certificate it
 * presents, to clients and, as a client, to the other brokers), its trust store (the certificates it accepts
 * from clients and from the other brokers; the JDK's defaults when none is set) and the protocol rules. Makes
 * server engines for the Kafka listener and client sockets for the inter-broker connections. Immutable and
 * thread-safe (JDK {@link SSLContext}s are).
 */
public final class TlsContext {
    /** {@code ssl.client.auth}: whether the listener asks clients for a certificate. */
    public enum ClientAuth {
        NONE,
        REQUESTED,
        REQUIRED
    }

    private final SSLContext context;
    private final ClientAuth clientAuth;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final String endpointIdentification;
    private final KeyManager keyManager;
    private final TrustManager trustManager;
    private final boolean ownTrustStore;

    private TlsContext(
            SSLContext context,
            KeyManager keyManager,
            TrustManager trustManager,
            boolean ownTrustStore,
            ClientAuth clientAuth,
            String[] protocols,
            String[] cipherSuites,
            String endpointIdentification) {
        this.context = context;
        this.keyManager = keyManager;
        this.trustManager = trustManager;
        this.ownTrustStore = ownTrustStore;
        this.clientAuth = clientAuth;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.endpointIdentification = endpointIdentification;
    }

    /**
     * Loads the stores named by {@code config}. Every problem (missing key store, unreadable file, wrong password,
     * unknown store type or protocol) is added to {@code problems}, naming the key and value but never a
     * password; returns null when there was any.
     */
    public static TlsContext load(BrokerConfig config, List<String> problems) {
        int before = problems.size();
        String keystoreLocation = config.getString(BrokerConfig.SSL_KEYSTORE_LOCATION);
        if (keystoreLocation == null || keystoreLocation.isBlank()) {
            problems.add(BrokerConfig.SSL_KEYSTORE_LOCATION + " is not set: a TLS listener ("
                    + BrokerConfig.LISTENER_SECURITY_PROTOCOL + "="
                    + config.getString(BrokerConfig.LISTENER_SECURITY_PROTOCOL)
                    + ") needs a key store holding the broker's certificate and private key");
        }
        Password keystorePassword = config.getPassword(BrokerConfig.SSL_KEYSTORE_PASSWORD);
        Password keyPassword = config.getPassword(BrokerConfig.SSL_KEY_PASSWORD);
        KeyStore keyStore = keystoreLocation == null || keystoreLocation.isBlank()
                ? null
                : loadStore(
                        BrokerConfig.SSL_KEYSTORE_LOCATION,
                        keystoreLocation,
                        BrokerConfig.SSL_KEYSTORE_TYPE,
                        config.getString(BrokerConfig.SSL_KEYSTORE_TYPE),
                        keystorePassword,
                        problems);
        String truststoreLocation = config.getString(BrokerConfig.SSL_TRUSTSTORE_LOCATION);
        KeyStore trustStore = truststoreLocation == null || truststoreLocation.isBlank()
                ? null
                : loadStore(
                        BrokerConfig.SSL_TRUSTSTORE_LOCATION,
                        truststoreLocation,
                        BrokerConfig.SSL_TRUSTSTORE_TYPE,
                        config.getString(BrokerConfig.SSL_TRUSTSTORE_TYPE),
                        config.getPassword(BrokerConfig.SSL_TRUSTSTORE_PASSWORD),
                        problems);
        String protocol = config.getString(BrokerConfig.SSL_PROTOCOL);
        SSLContext context = null;
        KeyManager keyManager = null;
        TrustManager trustManager = null;
        if (problems.size() == before) {
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keySecret = keyPassword != null
                        ? keyPassword.value().toCharArray()
                        : keystorePassword == null
                                ? new char[0]
                                : keystorePassword.value().toCharArray();
                try {
                    keys.init(keyStore, keySecret);
                } finally {
                    Arrays.fill(keySecret, '\0');
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trustStore);
                context = SSLContext.getInstance(protocol);
                context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
                keyManager = keys.getKeyManagers()[0];
                trustManager = trust.getTrustManagers()[0];
            } catch (UnrecoverableKeyException e) {
                problems.add("cannot read the private key in " + BrokerConfig.SSL_KEYSTORE_LOCATION + "="
                        + keystoreLocation + ": " + BrokerConfig.SSL_KEY_PASSWORD + " (or, when unset, "
                        + BrokerConfig.SSL_KEYSTORE_PASSWORD + ") does not unlock it");
            } catch (NoSuchAlgorithmException e) {
                problems.add(BrokerConfig.SSL_PROTOCOL + "=" + protocol + " is not a protocol this JVM offers"
                        + " (e.g. TLSv1.3, TLSv1.2, TLS)");
            } catch (GeneralSecurityException e) {
                problems.add("cannot set up TLS from " + BrokerConfig.SSL_KEYSTORE_LOCATION + "=" + keystoreLocation
                        + ": " + e.getMessage());
            }
        }
        if (context == null) {
            return null;
        }
        String[] protocols = enabled(
                BrokerConfig.SSL_ENABLED_PROTOCOLS,
                config.getList(BrokerConfig.SSL_ENABLED_PROTOCOLS),
                context.getSupportedSSLParameters().getProtocols(),
                problems);
        List<String> suites = config.getList(BrokerConfig.SSL_CIPHER_SUITES);
        String[] cipherSuites = suites == null || suites.isEmpty()
                ? null
                : enabled(
                        BrokerConfig.SSL_CIPHER_SUITES,
                        suites,
                        context.getSupportedSSLParameters().getCipherSuites(),
                        problems);
        if (problems.size() > before) {
            return null;
        }
        ClientAuth clientAuth = ClientAuth.valueOf(
                config.getString(BrokerConfig.SSL_CLIENT_AUTH).trim().toUpperCase(Locale.ROOT));
        String identification = config.getString(BrokerConfig.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM);
        return new TlsContext(
                context,
                keyManager,
                trustManager,
                trustStore != null,
                clientAuth,
                protocols,
                cipherSuites,
                identification == null || identification.isBlank() ? null : identification.trim());
    }

    private static KeyStore loadStore(
            String locationKey,
            String location,
            String typeKey,
            String type,
            Password password,
            List<String> problems) {
        Path path = Path.of(location);
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            problems.add(locationKey + "=" + location + " is not a readable file");
            return null;
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(type);
        } catch (KeyStoreException e) {
            problems.add(typeKey + "=" + type + " is not a key store type this JVM knows (JKS, PKCS12)");
            return null;
        }
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password == null ? null : password.value().toCharArray());
            return store;
        } catch (IOException e) {
            boolean wrongPassword = e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password");
            problems.add("cannot open " + locationKey + "=" + location + " as " + type
                    + (wrongPassword
                            ? ": the password is wrong (" + passwordKey(locationKey) + ")"
                            : ": " + e.getMessage()));
            return null;
        } catch (GeneralSecurityException e) {
            problems.add("cannot open " + locationKey + "=" + location + " as " + type + ": " + e.getMessage());
            return null;
        }
    }

    private static String passwordKey(String locationKey) {
        return locationKey.equals(BrokerConfig.SSL_KEYSTORE_LOCATION)
                ? BrokerConfig.SSL_KEYSTORE_PASSWORD
                : BrokerConfig.SSL_TRUSTSTORE_PASSWORD;
    }

    private static String[] enabled(String key, List<String> wanted, String[] supported, List<String> problems) {
        List<String> known = Arrays.asList(supported);
        if (wanted.isEmpty()) {
            problems.add(key + " is empty; name at least one of " + known);
        }
        List<String> result = new ArrayList<>();
        for (String name : wanted) {
            String n = name.trim();
            if (!known.contains(n)) {
                problems.add(key + " names '" + n + "', which this JVM does not support; supported: " + known);
            } else {
                result.add(n);
            }
        }
        return result.toArray(new String[0]);
    }

    /** The key manager over the key store (the certificate this broker presents), for the controller port. */
    public KeyManager keyManager() {
        return keyManager;
    }

    /** The trust manager over the trust store (the JVM's default CAs when none is set). */
    public TrustManager trustManager() {
        return trustManager;
    }

    /** Whether {@code ssl.truststore.location} names a trust store (false: the JVM's default CAs are trusted). */
    public boolean ownTrustStore() {
        return ownTrustStore;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** A server-side engine for one accepted connection. */
    public SSLEngine newServerEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        if (clientAuth == ClientAuth.REQUIRED) {
            engine.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.REQUESTED) {
            engine.setWantClientAuth(true);
        }
        engine.setEnabledProtocols(protocols);
        if (cipherSuites != null) {
            engine.setEnabledCipherSuites(cipherSuites);
        }
        return engine;
    }

    /**
     * Wraps a connected socket in a client-side TLS socket to {@code host} and completes the handshake, checking
     * the server's certificate against the trust store and, unless {@code ssl.endpoint.identification.algorithm}
     * is empty, its name against {@code host}. Blocks for the handshake (bounded by the socket's timeout).
     */
    public SSLSocket connect(Socket connected, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(connected, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setProtocols(protocols);
        if (cipherSuites != null) {
            parameters.setCipherSuites(cipherSuites);
        }
        if (endpointIdentification != null) {
            parameters.setEndpointIdentificationAlgorithm(endpointIdentification);
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }
}
