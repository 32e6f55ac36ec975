package io.vertebra.log.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.security.sasl.SaslException;
import org.junit.jupiter.api.Test;

class PlainSaslServerTest {
    private static final PlainUsers USERS =
            PlainUsers.parse("sasl.plain.users", "alice:alice-pw,broker:b:with:colons", new ArrayList<>());

    private static byte[] message(String authzid, String user, String password) {
        return (authzid + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void acceptsAKnownUserAndNamesIt() throws SaslException {
        PlainSaslServer server = new PlainSaslServer(USERS);
        assertArrayEquals(new byte[0], server.evaluateResponse(message("", "alice", "alice-pw")));
        assertTrue(server.isComplete());
        assertEquals("alice", server.getAuthorizationID());
    }

    @Test
    void passwordsMayContainColons() throws SaslException {
        PlainSaslServer server = new PlainSaslServer(USERS);
        server.evaluateResponse(message("broker", "broker", "b:with:colons"));
        assertEquals("broker", server.getAuthorizationID());
    }

    @Test
    void wrongPasswordAndUnknownUserFailAlikeWithoutTheSecret() {
        SaslException wrong = assertThrows(
                SaslException.class, () -> new PlainSaslServer(USERS).evaluateResponse(message("", "alice", "guess")));
        SaslException unknown = assertThrows(
                SaslException.class, () -> new PlainSaslServer(USERS).evaluateResponse(message("", "mallory", "x")));
        assertEquals(PlainSaslServer.INVALID_CREDENTIALS, wrong.getMessage());
        assertEquals(wrong.getMessage(), unknown.getMessage());
        assertFalse(wrong.getMessage().contains("guess"));
    }

    @Test
    void refusesToActAsAnotherUser() {
        SaslException e = assertThrows(
                SaslException.class,
                () -> new PlainSaslServer(USERS).evaluateResponse(message("broker", "alice", "alice-pw")));
        assertTrue(e.getMessage().contains("authorization id"), e.getMessage());
        assertFalse(e.getMessage().contains("alice-pw"));
    }

    @Test
    void malformedMessagesFail() {
        for (String bad : List.of("alice-pw", "alice\0alice-pw", "\0alice\0pw\0extra", "\0\0alice-pw", "\0alice\0")) {
            assertThrows(
                    SaslException.class,
                    () -> new PlainSaslServer(USERS).evaluateResponse(bad.getBytes(StandardCharsets.UTF_8)),
                    bad);
        }
    }

    @Test
    void userListProblemsNameTheEntryButNeverAPassword() {
        List<String> problems = new ArrayList<>();
        PlainUsers users = PlainUsers.parse("sasl.plain.users", "alice:s3cret,bob,carol:,alice:other-s3cret", problems);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("entry 2"), problems.toString());
        assertTrue(problems.get(1).contains("carol"), problems.toString());
        assertTrue(problems.get(2).contains("'alice' is listed twice"), problems.toString());
        assertFalse(problems.toString().contains("s3cret"));
        assertFalse(users.toString().contains("s3cret"));
    }
}
