package io.vertebra.runtime.rest;

import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.WorkerConfig;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * How the REST API is protected, read from the worker's {@code rest.basic.auth.*} and {@code rest.ssl.*} settings:
 * HTTP Basic users with their {@link Role} (none: no authentication) and TLS (none: plain HTTP). A worker that
 * would listen on a non-loopback address without authentication is refused unless
 * {@code rest.unauthenticated.remote.access} allows it. Secret values may be placeholders of the config providers
 * the worker config enables ({@code ${file:...}}, {@code ${env:...}}, ...), resolved here once at start.
 *
 * <p>Passwords are held as {@link Password}, whose {@code toString} is {@code [hidden]}, and no message of this
 * class contains one: errors name the key, the entry or the file, never the secret. Immutable and thread-safe.
 */
public final class RestSecurity {
    private static final RestSecurity NONE = new RestSecurity(Map.of(), Map.of(), List.of(), null);

    /** What a user may do: a viewer only reads (GET, HEAD), an admin does everything. */
    public enum Role {
        VIEWER,
        ADMIN;

        /** True when this role may send {@code method}. */
        public boolean allows(String method) {
            return this == ADMIN || method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** TLS settings of the listener, with stores already checked to open with their passwords. */
    public record Tls(
            String keystoreLocation,
            String keystoreType,
            Password keystorePassword,
            Password keyPassword,
            String truststoreLocation,
            String truststoreType,
            Password truststorePassword,
            String clientAuth,
            List<String> protocols) {}

    private final Map<String, byte[]> passwordDigests;
    private final Map<String, Role> roles;
    private final List<String> openPaths;
    private final Tls tls;

    private RestSecurity(
            Map<String, byte[]> passwordDigests, Map<String, Role> roles, List<String> openPaths, Tls tls) {
        this.passwordDigests = Map.copyOf(passwordDigests);
        this.roles = Map.copyOf(roles);
        this.openPaths = List.copyOf(openPaths);
        this.tls = tls;
    }

    /** Plain HTTP, no authentication. */
    public static RestSecurity none() {
        return NONE;
    }

    /** Reads and checks the settings; a {@link ConfigException} names every key that is wrong at once. */
    public static RestSecurity from(WorkerConfig config, ConfigProviders providers) {
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> users =
                users(secret(config, providers, WorkerConfig.REST_BASIC_AUTH_USERS, problems), problems);
        Map<String, Role> roles = roles(config.getList(WorkerConfig.REST_BASIC_AUTH_ROLES), users, problems);
        Tls tls = tls(config, providers, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException("invalid REST security settings: " + String.join("; ", problems));
        }
        RestSecurity security =
                new RestSecurity(users, roles, config.getList(WorkerConfig.REST_BASIC_AUTH_OPEN_PATHS), tls);
        String host = config.getString(WorkerConfig.REST_HOST);
        if (!security.authenticates() && !isLoopback(host)) {
            if (!config.getBoolean(WorkerConfig.REST_UNAUTHENTICATED_REMOTE_ACCESS)) {
                throw new ConfigException(unauthenticatedRemote(host)
                        + ": anyone who reaches this address could create connectors (which run code and read"
                        + " files). Set " + WorkerConfig.REST_BASIC_AUTH_USERS + " (docs/security.md), bind a"
                        + " loopback address (" + WorkerConfig.REST_HOST + ", the node's bind.host), or, when a"
                        + " firewall or the container network already limits who can connect, set "
                        + WorkerConfig.REST_UNAUTHENTICATED_REMOTE_ACCESS + "=true");
            }
        }
        return security;
    }

    /** The start-up warning when the API is reachable from other machines without authentication, else empty. */
    public static Optional<String> exposureWarning(WorkerConfig config, RestSecurity security) {
        String host = config.getString(WorkerConfig.REST_HOST);
        return security.authenticates() || isLoopback(host)
                ? Optional.empty()
                : Optional.of(unauthenticatedRemote(host) + " (allowed by "
                        + WorkerConfig.REST_UNAUTHENTICATED_REMOTE_ACCESS + "=true): anyone who can connect may"
                        + " create connectors; set " + WorkerConfig.REST_BASIC_AUTH_USERS + " to require a password");
    }

    private static String unauthenticatedRemote(String host) {
        return "The REST API would listen on " + host + ", a non-loopback address, without authentication";
    }

    /** True when every request must carry credentials: HTTP Basic users or required client certificates. */
    public boolean authenticates() {
        return basicAuth() || (tls != null && tls.clientAuth().equalsIgnoreCase("required"));
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The role of an authenticated user; users without a {@code rest.basic.auth.roles} entry are admins. */
    public Role role(String user) {
        return roles.getOrDefault(user, Role.ADMIN);
    }

    public boolean basicAuth() {
        return !passwordDigests.isEmpty();
    }

    public Optional<Tls> tls() {
        return Optional.ofNullable(tls);
    }

    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /** True when {@code path} (normalized) is answered without credentials. */
    public boolean isOpen(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return openPaths.contains(p);
    }

    /** Checks a user's password in constant time (for a given password length); unknown users take as long. */
    public boolean authenticate(String user, String password) {
        if (user == null || password == null) {
            return false;
        }
        byte[] expected = passwordDigests.get(user);
        byte[] given = digest(password);
        boolean match = MessageDigest.isEqual(expected != null ? expected : digest("\u0000unknown"), given);
        return expected != null && match;
    }

    @Override
    public String toString() {
        long viewers = roles.values().stream().filter(r -> r == Role.VIEWER).count();
        return "REST security: "
                + (basicAuth()
                        ? "basic auth for " + passwordDigests.size() + " user(s)"
                                + (viewers > 0 ? " (" + viewers + " viewer(s))" : "")
                        : "no auth")
                + ", " + (tls == null ? "plain HTTP" : "TLS (client auth " + tls.clientAuth() + ")");
    }

    /** The value of a password key with placeholders resolved; null when unset. */
    private static String secret(WorkerConfig config, ConfigProviders providers, String key, List<String> problems) {
        Password value = config.getPassword(key);
        if (value == null || value.value() == null) {
            return null;
        }
        String raw = value.value();
        if (!ConfigProviders.hasPlaceholder(raw)) {
            return raw;
        }
        String resolved;
        try {
            resolved = providers.resolve(Map.of(key, raw)).get(key);
        } catch (ConfigException e) {
            problems.add(key + ": its ${provider:path:key} placeholder could not be resolved: " + e.getMessage());
            return null;
        }
        if (resolved == null || ConfigProviders.hasPlaceholder(resolved)) {
            String why = providers
                    .problems(Map.of(key, raw), Map.of(key, resolved == null ? raw : resolved))
                    .getOrDefault(key, "");
            problems.add(key + ": its ${provider:path:key} placeholder could not be resolved"
                    + (why.isEmpty() ? "" : " (" + why.substring(why.indexOf(": ") + 2) + ")"));
            return null;
        }
        return resolved;
    }

    private static Map<String, byte[]> users(String value, List<String> problems) {
        Map<String, byte[]> users = new LinkedHashMap<>();
        if (value == null) {
            return users;
        }
        String key = WorkerConfig.REST_BASIC_AUTH_USERS;
        String[] entries = value.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                problems.add(key + ": entry " + (i + 1) + " is not user:password (expected"
                        + " user:password,user:password)");
                continue;
            }
            String user = entry.substring(0, colon).trim();
            String password = entry.substring(colon + 1);
            if (password.isEmpty()) {
                problems.add(key + ": user '" + user + "' has an empty password");
            } else if (users.put(user, digest(password)) != null) {
                problems.add(key + ": user '" + user + "' is listed twice");
            }
        }
        if (users.isEmpty() && problems.isEmpty()) {
            problems.add(key + ": set but lists no user (expected user:password,user:password; leave it unset to"
                    + " turn authentication off)");
        }
        return users;
    }

    private static Map<String, Role> roles(List<String> entries, Map<String, byte[]> users, List<String> problems) {
        String key = WorkerConfig.REST_BASIC_AUTH_ROLES;
        Map<String, Role> roles = new LinkedHashMap<>();
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            String user = colon <= 0 ? entry : entry.substring(0, colon).trim();
            String role = colon <= 0 ? "" : entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (colon <= 0 || !(role.equals("VIEWER") || role.equals("ADMIN"))) {
                problems.add(key + ": entry '" + entry + "' is not user:role with a role of viewer or admin");
            } else if (!users.containsKey(user)) {
                problems.add(key + ": user '" + user + "' is not one of " + WorkerConfig.REST_BASIC_AUTH_USERS
                        + (users.isEmpty() ? " (which is unset)" : " (" + String.join(", ", users.keySet()) + ")"));
            } else if (roles.put(user, Role.valueOf(role)) != null) {
                problems.add(key + ": user '" + user + "' is listed twice");
            }
        }
        return roles;
    }

    private static Tls tls(WorkerConfig config, ConfigProviders providers, List<String> problems) {
        String keystore =
                config.getString(WorkerConfig.REST_SSL_KEYSTORE_LOCATION).trim();
        String truststore =
                config.getString(WorkerConfig.REST_SSL_TRUSTSTORE_LOCATION).trim();
        String clientAuth = config.getString(WorkerConfig.REST_SSL_CLIENT_AUTH).toLowerCase(Locale.ROOT);
        if (keystore.isEmpty()) {
            if (!truststore.isEmpty() || !clientAuth.equals("none")) {
                problems.add(WorkerConfig.REST_SSL_KEYSTORE_LOCATION + " is empty, but "
                        + (truststore.isEmpty()
                                ? WorkerConfig.REST_SSL_CLIENT_AUTH
                                : WorkerConfig.REST_SSL_TRUSTSTORE_LOCATION)
                        + " is set: HTTPS needs the server's key store");
            }
            return null;
        }
        String keystoreType =
                config.getString(WorkerConfig.REST_SSL_KEYSTORE_TYPE).toUpperCase(Locale.ROOT);
        String keystorePassword = secret(config, providers, WorkerConfig.REST_SSL_KEYSTORE_PASSWORD, problems);
        String keyPassword = secret(config, providers, WorkerConfig.REST_SSL_KEY_PASSWORD, problems);
        if (keystorePassword == null) {
            problems.add(WorkerConfig.REST_SSL_KEYSTORE_PASSWORD + " is required with "
                    + WorkerConfig.REST_SSL_KEYSTORE_LOCATION);
        } else {
            checkOpens(WorkerConfig.REST_SSL_KEYSTORE_LOCATION, keystore, keystoreType, keystorePassword, problems);
        }
        String truststoreType =
                config.getString(WorkerConfig.REST_SSL_TRUSTSTORE_TYPE).toUpperCase(Locale.ROOT);
        String truststorePassword = null;
        if (!truststore.isEmpty()) {
            truststorePassword = secret(config, providers, WorkerConfig.REST_SSL_TRUSTSTORE_PASSWORD, problems);
            if (truststorePassword == null) {
                problems.add(WorkerConfig.REST_SSL_TRUSTSTORE_PASSWORD + " is required with "
                        + WorkerConfig.REST_SSL_TRUSTSTORE_LOCATION);
            } else {
                checkOpens(
                        WorkerConfig.REST_SSL_TRUSTSTORE_LOCATION,
                        truststore,
                        truststoreType,
                        truststorePassword,
                        problems);
            }
        } else if (!clientAuth.equals("none")) {
            problems.add(WorkerConfig.REST_SSL_CLIENT_AUTH + "=" + clientAuth + " needs "
                    + WorkerConfig.REST_SSL_TRUSTSTORE_LOCATION + " (the certificates clients may present)");
        }
        return new Tls(
                keystore,
                keystoreType,
                new Password(keystorePassword),
                keyPassword == null ? null : new Password(keyPassword),
                truststore.isEmpty() ? null : truststore,
                truststoreType,
                truststorePassword == null ? null : new Password(truststorePassword),
                clientAuth,
                config.getList(WorkerConfig.REST_SSL_ENABLED_PROTOCOLS));
    }

    /** Opens the store now, so a wrong path, type or password fails the start with the key's name. */
    private static void checkOpens(String key, String location, String type, String password, List<String> problems) {
        Path file = Path.of(location);
        if (!Files.isReadable(file)) {
            problems.add(key + ": " + location + " does not exist or is not readable");
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore.getInstance(type).load(in, password.toCharArray());
        } catch (Exception e) {
            problems.add(key + ": cannot open " + location + " as " + type + ": " + e.getMessage());
        }
    }

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
