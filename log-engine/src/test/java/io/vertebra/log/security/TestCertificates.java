package io.vertebra.log.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-signed TLS material for tests, made once per test JVM: a broker key store (CN=localhost, SAN
 * IP:127.0.0.1 and DNS:localhost, so clients verifying host names accept it), a client key store (CN=client) for
 * TLS client authentication, and one trust store holding both certificates. Key pairs come from the JDK's
 * {@code keytool} run as a process; the trust store is written with {@link KeyStore}.
 */
public final class TestCertificates {
    public static final String KEYSTORE_PASSWORD = "broker-keystore-secret";
    public static final String CLIENT_KEYSTORE_PASSWORD = "client-keystore-secret";
    public static final String TRUSTSTORE_PASSWORD = "truststore-secret";

    private static TestCertificates instance;

    public final Path brokerKeystore;
    public final Path clientKeystore;
    public final Path truststore;

    private TestCertificates(Path brokerKeystore, Path clientKeystore, Path truststore) {
        this.brokerKeystore = brokerKeystore;
        this.clientKeystore = clientKeystore;
        this.truststore = truststore;
    }

    public static synchronized TestCertificates get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "test-certs");
                Path broker = dir.resolve("broker.p12");
                Path client = dir.resolve("client.p12");
                keypair(
                        broker,
                        "broker",
                        "CN=localhost,O=Vertebra test",
                        "SAN=ip:127.0.0.1,dns:localhost",
                        KEYSTORE_PASSWORD);
                keypair(client, "client", "CN=client,O=Vertebra test", null, CLIENT_KEYSTORE_PASSWORD);
                Path trust = dir.resolve("truststore.p12");
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry(
                        "broker", load(broker, KEYSTORE_PASSWORD).getCertificate("broker"));
                store.setCertificateEntry(
                        "client", load(client, CLIENT_KEYSTORE_PASSWORD).getCertificate("client"));
                try (OutputStream out = Files.newOutputStream(trust)) {
                    store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
                }
                instance = new TestCertificates(broker, client, trust);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    private static void keypair(Path file, String alias, String dname, String extension, String password)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                password,
                "-keypass",
                password));
        if (extension != null) {
            command.addAll(List.of("-ext", extension));
        }
        io.vertebra.testkit.SelfSignedTls.keytool(command);
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /** Broker settings for a TLS listener with this material ({@code protocol} SSL or SASL_SSL). */
    public Map<String, String> brokerSettings(String protocol) {
        Map<String, String> settings = new HashMap<>();
        settings.put("listener.security.protocol", protocol);
        settings.put("ssl.keystore.location", brokerKeystore.toString());
        settings.put("ssl.keystore.password", KEYSTORE_PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.truststore.location", truststore.toString());
        settings.put("ssl.truststore.password", TRUSTSTORE_PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        return settings;
    }

    /** Client settings trusting the broker ({@code protocol} SSL or SASL_SSL), without a client certificate. */
    public Map<String, Object> clientSettings(String protocol) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", protocol);
        settings.put("ssl.truststore.location", truststore.toString());
        settings.put("ssl.truststore.password", TRUSTSTORE_PASSWORD);
        settings.put("ssl.truststore.type", "PKCS12");
        return settings;
    }

    /** {@link #clientSettings} plus the client's own certificate, for listeners that ask for one. */
    public Map<String, Object> clientSettingsWithCertificate(String protocol) {
        Map<String, Object> settings = clientSettings(protocol);
        settings.put("ssl.keystore.location", clientKeystore.toString());
        settings.put("ssl.keystore.password", CLIENT_KEYSTORE_PASSWORD);
        settings.put("ssl.keystore.type", "PKCS12");
        return settings;
    }
}
