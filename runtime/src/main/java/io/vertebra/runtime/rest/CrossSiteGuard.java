package io.vertebra.runtime.rest;

import io.vertebra.runtime.config.WorkerConfig;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps web pages from driving the REST API through the browser of someone who can reach it. A page may send
 * "simple" cross-site requests without asking (a form or {@code fetch} with {@code text/plain}, form-encoded or no
 * body) and may read answers after a DNS rebinding; so a request is refused when
 *
 * <ul>
 *   <li>its body is not JSON or YAML ({@code 415}: pages cannot send those cross-site without a CORS preflight),
 *   <li>its {@code Origin} header names a page that is neither this API's own origin nor one of
 *       {@code rest.allowed.origins} ({@code 403}, for reads too: a page must not read connector configs), or
 *   <li>its {@code Host} header names a host that is not a name of this API ({@code 403}: a rebound name).
 * </ul>
 *
 * <p>Tools (curl, Terraform, kcctl, Strimzi, UIs' back ends) send no {@code Origin} and use the name they were
 * given, so they are not affected. Immutable and thread-safe; the methods return the refusal's message, empty when
 * the request may go on.
 */
public final class CrossSiteGuard {
    /** The body types the routes parse (see {@link BodyParser}). */
    public static final List<String> BODY_TYPES =
            List.of("application/json", "application/yaml", "text/yaml", "application/x-yaml");

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final String scheme;
    private final Set<String> allowedOrigins;
    private final boolean anyOrigin;
    private final Set<String> hosts;
    private final boolean anyHost;

    /**
     * @param scheme {@code http} or {@code https}, what the listener speaks
     * @param names the names this API is known by besides localhost and IP addresses (bind and advertised host)
     * @param allowedOrigins {@code rest.allowed.origins}
     * @param allowedHosts {@code rest.allowed.hosts}
     */
    public CrossSiteGuard(String scheme, List<String> names, List<String> allowedOrigins, List<String> allowedHosts) {
        this.scheme = scheme;
        this.anyOrigin = allowedOrigins.stream().anyMatch(o -> o.trim().equals("*"));
        this.anyHost = allowedHosts.stream().anyMatch(h -> h.trim().equals("*"));
        Set<String> origins = new LinkedHashSet<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (String name : names) {
            if (!name.isBlank()) {
                hosts.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        for (String origin : allowedOrigins) {
            String o = origin.trim();
            if (o.isEmpty() || o.equals("*")) {
                continue;
            }
            origins.add(normalizeOrigin(o));
            String host = originHost(o);
            if (host != null) {
                hosts.add(host);
            }
        }
        for (String host : allowedHosts) {
            if (!host.isBlank() && !host.trim().equals("*")) {
                hosts.add(host.trim().toLowerCase(Locale.ROOT));
            }
        }
        this.allowedOrigins = Set.copyOf(origins);
        this.hosts = Set.copyOf(hosts);
    }

    /** The refusal of a request whose {@code Content-Type} is not one of {@link #BODY_TYPES}; only bodies count. */
    public static Optional<String> refuseBodyType(String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (BODY_TYPES.contains(type)) {
            return Optional.empty();
        }
        return Optional.of((type.isEmpty() ? "A request body without Content-Type" : "Content-Type " + type)
                + " is not accepted: send the body as " + BODY_TYPES.get(0) + " (or as YAML: "
                + String.join(", ", BODY_TYPES.subList(1, BODY_TYPES.size())) + ")");
    }

    /** The refusal of a {@code Host} header that names none of this API's names; absent (not a browser): fine. */
    public Optional<String> refuseHost(String hostHeader) {
        if (hostHeader == null || anyHost) {
            return Optional.empty();
        }
        String host = hostName(hostHeader);
        if (host.startsWith("[")
                || IPV4.matcher(host).matches()
                || host.equals("localhost")
                || host.endsWith(".localhost")
                || hosts.contains(host)) {
            return Optional.empty();
        }
        return Optional.of("Host " + hostHeader + " is not a name of this REST API (a page that had its name"
                + " rebound to this address would send it); accepted: IP addresses, localhost"
                + (hosts.isEmpty() ? "" : ", " + String.join(", ", hosts)) + ". To accept it, add " + host
                + " to " + WorkerConfig.REST_ALLOWED_HOSTS);
    }

    /**
     * The refusal of a browser request from another site: an {@code Origin} header that is neither the API's own
     * origin (the scheme and the {@code Host} the request was sent to) nor allowed. No {@code Origin}: fine.
     */
    public Optional<String> refuseOrigin(String origin, String hostHeader) {
        if (origin == null || anyOrigin || isAllowedForeign(origin)) {
            return Optional.empty();
        }
        if (hostHeader != null && normalizeOrigin(origin).equals(normalizeOrigin(scheme + "://" + hostHeader))) {
            return Optional.empty();
        }
        return Optional.of("Requests from web pages of origin " + origin + " are not allowed: a page must not"
                + " drive or read this REST API from a visitor's browser. To allow that origin, add it to "
                + WorkerConfig.REST_ALLOWED_ORIGINS + " (a worker setting, e.g. "
                + WorkerConfig.REST_ALLOWED_ORIGINS + "=" + origin + ")");
    }

    /** True when {@code origin} is one of {@code rest.allowed.origins} (or that is {@code *}): CORS headers go back. */
    public boolean isAllowedForeign(String origin) {
        return origin != null && (anyOrigin || allowedOrigins.contains(normalizeOrigin(origin)));
    }

    /** The host of a Host header: lower case, without the port; IPv6 literals keep their brackets. */
    private static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String originHost(String origin) {
        try {
            String host = URI.create(origin.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** scheme://host[:port] in lower case, without a trailing slash and without the scheme's default port. */
    static String normalizeOrigin(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        while (o.endsWith("/")) {
            o = o.substring(0, o.length() - 1);
        }
        if (o.startsWith("http://") && o.endsWith(":80")) {
            return o.substring(0, o.length() - 3);
        }
        if (o.startsWith("https://") && o.endsWith(":443")) {
            return o.substring(0, o.length() - 4);
        }
        return o;
    }
}
