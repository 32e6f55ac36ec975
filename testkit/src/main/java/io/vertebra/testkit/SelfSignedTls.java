package io.vertebra.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed server certificate for tests of TLS listeners: a PKCS12 key store (CN=localhost, SAN IP:127.0.0.1
 * and DNS:localhost, so clients that verify host names accept it) made by the JDK's {@code keytool} run as a
 * process, a PKCS12 trust store holding its certificate, and a client {@link SSLContext} that trusts it.
 */
public final class SelfSignedTls {
    public final Path keystore;
    public final String keystorePassword;
    public final Path truststore;
    public final String truststorePassword;

    private SelfSignedTls(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
        this.keystore = keystore;
        this.keystorePassword = keystorePassword;
        this.truststore = truststore;
        this.truststorePassword = truststorePassword;
    }

    /** Writes {@code server.p12} and {@code trust.p12} into {@code dir}, protected by the given passwords. */
    public static SelfSignedTls create(Path dir, String keystorePassword, String truststorePassword) {
        try {
            Files.createDirectories(dir);
            Path keystore = dir.resolve("server.p12");
            keytool(List.of(
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=localhost,O=Vertebra test",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity",
                    "30",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    keystorePassword,
                    "-keypass",
                    keystorePassword));
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                keys.load(in, keystorePassword.toCharArray());
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", keys.getCertificate("server"));
            Path truststore = dir.resolve("trust.p12");
            try (OutputStream out = Files.newOutputStream(truststore)) {
                trust.store(out, truststorePassword.toCharArray());
            }
            return new SelfSignedTls(keystore, keystorePassword, truststore, truststorePassword);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client TLS context that trusts exactly this certificate. */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(truststore)) {
                trust.load(in, truststorePassword.toCharArray());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the JDK's keytool with these arguments; fails with its output when it does. */
    public static void keytool(List<String> args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.add("-J-Xmx64m");
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (" + process.exitValue() + "): " + output);
        }
    }
}
