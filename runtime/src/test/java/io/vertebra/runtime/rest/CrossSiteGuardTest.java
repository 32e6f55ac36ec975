package io.vertebra.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Content-Type, Host and Origin headers {@link CrossSiteGuard} lets through, and what its refusals say. */
class CrossSiteGuardTest {
    private final CrossSiteGuard guard = new CrossSiteGuard(
            "http", List.of("0.0.0.0", "connect-1"), List.of("https://UI.example/"), List.of("lb.internal"));

    @Test
    void onlyJsonAndYamlBodiesPass() {
        for (String type : new String[] {
            "application/json", "Application/JSON; charset=UTF-8", "application/yaml", "text/yaml", "application/x-yaml"
        }) {
            assertTrue(CrossSiteGuard.refuseBodyType(type).isEmpty(), type);
        }
        for (String type :
                new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""}) {
            String refusal = CrossSiteGuard.refuseBodyType(type).orElseThrow();
            assertTrue(refusal.contains("application/json") && refusal.contains("application/yaml"), refusal);
        }
        assertTrue(CrossSiteGuard.refuseBodyType(null).orElseThrow().startsWith("A request body without Content-Type"));
    }

    @Test
    void hostsAreTheApisNamesIpAddressesAndLocalhost() {
        for (String host : new String[] {
            "localhost:8083",
            "LOCALHOST",
            "app.localhost:1",
            "127.0.0.1:8083",
            "10.1.2.3",
            "[::1]:8083",
            "connect-1:8083",
            "lb.internal",
            "ui.example:443",
            "0.0.0.0:8083"
        }) {
            assertTrue(guard.refuseHost(host).isEmpty(), host);
        }
        assertTrue(guard.refuseHost(null).isEmpty(), "no Host: not a browser");
        String refusal = guard.refuseHost("evil.example:8083").orElseThrow();
        assertTrue(refusal.contains("add evil.example to rest.allowed.hosts"), refusal);
        assertTrue(new CrossSiteGuard("http", List.of(), List.of(), List.of("*"))
                .refuseHost("evil.example")
                .isEmpty());
    }

    @Test
    void originsAreTheApisOwnOrAllowed() {
        assertTrue(guard.refuseOrigin(null, "localhost:8083").isEmpty(), "no Origin: a tool");
        assertTrue(guard.refuseOrigin("http://localhost:8083", "localhost:8083").isEmpty());
        assertTrue(guard.refuseOrigin("http://connect-1", "connect-1:80").isEmpty());
        assertTrue(guard.refuseOrigin("https://ui.example", "localhost:8083").isEmpty());
        assertTrue(guard.isAllowedForeign("https://ui.example:443"));
        assertFalse(guard.isAllowedForeign("http://localhost:8083"), "the API's own pages need no CORS headers");
        assertFalse(
                guard.refuseOrigin("https://localhost:8083", "localhost:8083").isEmpty(), "another scheme");
        assertFalse(
                guard.refuseOrigin("http://localhost:3000", "localhost:8083").isEmpty(), "another port");
        assertFalse(guard.refuseOrigin("null", "localhost:8083").isEmpty(), "sandboxed pages and files");
        String refusal =
                guard.refuseOrigin("https://evil.example", "localhost:8083").orElseThrow();
        assertTrue(refusal.contains("origin https://evil.example"), refusal);
        assertTrue(refusal.contains("rest.allowed.origins=https://evil.example"), refusal);
        assertEquals("https://ui.example", CrossSiteGuard.normalizeOrigin("HTTPS://ui.example:443/"), "normal form");
        assertTrue(new CrossSiteGuard("http", List.of(), List.of("*"), List.of())
                .refuseOrigin("https://evil.example", "localhost")
                .isEmpty());
    }
}
