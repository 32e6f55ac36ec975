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
}
