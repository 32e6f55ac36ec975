package io.vertebra.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {
    private static final Set<String> PASSWORDS = Set.of("connection.password");

    private static Map<String, String> config(String... kv) {
        Map<String, String> c = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            c.put(kv[i], kv[i + 1]);
        }
        return c;
    }

    @Test
    void whatGetShowsWrittenBackKeepsTheStoredSecrets() {
        Map<String, String> stored = config(
                "connection.password", "s3cret", "fs.s3a.secret.key", "k3y", "topics", "a", "file", "${file:/p:k}");
        Map<String, String> shown = SecretMasker.mask(stored, PASSWORDS);
        assertEquals("[hidden]", shown.get("connection.password"));
        Map<String, String> edited = new LinkedHashMap<>(shown);
        edited.put("topics", "b");
        edited.put("fs.s3a.secret.key", "[hidden]"); // masked in plans: named like a secret
        SecretMasker.Unmasked back = SecretMasker.unmask("jdbc", edited, stored, PASSWORDS);
        assertEquals(List.of(), back.problems());
        assertEquals(
                config(
                        "connection.password",
                        "s3cret",
                        "fs.s3a.secret.key",
                        "k3y",
                        "topics",
                        "b",
                        "file",
                        "${file:/p:k}"),
                back.config());
    }

    @Test
    void aNewSecretReplacesTheStoredOne() {
        SecretMasker.Unmasked back = SecretMasker.unmask(
                "jdbc", config("connection.password", "new"), config("connection.password", "old"), PASSWORDS);
        assertEquals(config("connection.password", "new"), back.config());
    }

    @Test
    void theMaskWithNothingStoredIsRefusedNamingTheKey() {
        SecretMasker.Unmasked back = SecretMasker.unmask(
                "jdbc", config("connection.password", "[hidden]", "topics", "a"), Map.of(), PASSWORDS);
        assertEquals(1, back.problems().size());
        assertTrue(
                back.problems()
                        .get(0)
                        .startsWith("connection.password: the value [hidden] is how a secret is"
                                + " shown, not a secret, and connector jdbc has no stored value"),
                back.problems().get(0));
    }

    @Test
    void theMaskInAKeyThatIsNoSecretIsAValue() {
        SecretMasker.Unmasked back = SecretMasker.unmask("c", config("greeting", "[hidden]"), Map.of(), PASSWORDS);
        assertEquals(List.of(), back.problems());
        assertEquals(config("greeting", "[hidden]"), back.config());
    }

    /** Secrets every connector may carry whatever it declares: GET config and tasks show none of them. */
    private static final Map<String, String> WELL_KNOWN = config(
            "aws.secret.access.key", "aws-secret-1",
            "fs.s3a.secret.key", "s3a-secret-2",
            "consumer.override.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"jaas-pw-3\";",
            "value.converter.basic.auth.user.info", "user:registry-pw-4",
            "producer.override.ssl.keystore.password", "keystore-pw-7",
            "connection.url", "jdbc:postgresql://u:url-pw-5@db:5432/shop",
            "store.url", "https://u:url-pw-6@store.example/path",
            "legacy.url", "jdbc:postgresql://db/shop?user=u&password=url-pw-8",
            "topics", "orders");

    @Test
    void wellKnownSecretKeysAndUrlPasswordsAreMaskedWithoutAnyDeclaredKey() {
        Map<String, String> shown = SecretMasker.mask(WELL_KNOWN, Set.of());
        String text = shown.toString();
        for (String secret : List.of(
                "aws-secret-1",
                "s3a-secret-2",
                "jaas-pw-3",
                "registry-pw-4",
                "url-pw-5",
                "url-pw-6",
                "keystore-pw-7",
                "url-pw-8")) {
            assertTrue(!text.contains(secret), secret + " shown in " + text);
        }
        assertEquals("[hidden]", shown.get("consumer.override.sasl.jaas.config"));
        assertEquals("jdbc:postgresql://u:[hidden]@db:5432/shop", shown.get("connection.url"));
        assertEquals("https://u:[hidden]@store.example/path", shown.get("store.url"));
        assertEquals("jdbc:postgresql://db/shop?user=u&password=[hidden]", shown.get("legacy.url"));
        assertEquals("orders", shown.get("topics"));
        assertEquals(
                "failed to connect to jdbc:postgresql://u:[hidden]@db:5432/shop as [hidden]",
                SecretMasker.maskText(
                        "failed to connect to jdbc:postgresql://u:url-pw-5@db:5432/shop as aws-secret-1",
                        WELL_KNOWN,
                        Set.of()));
    }

    @Test
    void everyWellKnownSecretWrittenBackAsShownKeepsTheStoredValue() {
        Map<String, String> edited = new LinkedHashMap<>(SecretMasker.mask(WELL_KNOWN, Set.of()));
        edited.put("topics", "orders2");
        SecretMasker.Unmasked back = SecretMasker.unmask("c", edited, WELL_KNOWN, Set.of());
        assertEquals(List.of(), back.problems());
        Map<String, String> expected = new LinkedHashMap<>(WELL_KNOWN);
        expected.put("topics", "orders2");
        assertEquals(expected, back.config());
        // a masked URL password with nothing stored is refused, never stored as the mask
        SecretMasker.Unmasked fresh = SecretMasker.unmask(
                "c", config("connection.url", "jdbc:postgresql://u:[hidden]@db/shop"), Map.of(), Set.of());
        assertEquals(1, fresh.problems().size(), fresh.problems().toString());
        assertTrue(
                fresh.problems().get(0).startsWith("connection.url:"),
                fresh.problems().get(0));
        // a new URL password replaces the stored one
        SecretMasker.Unmasked changed = SecretMasker.unmask(
                "c", config("connection.url", "jdbc:postgresql://u:new@db/shop"), WELL_KNOWN, Set.of());
        assertEquals("jdbc:postgresql://u:new@db/shop", changed.config().get("connection.url"));
    }
}
