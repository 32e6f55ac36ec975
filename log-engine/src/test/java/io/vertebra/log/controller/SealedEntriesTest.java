package io.vertebra.log.controller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.LogCapture;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The apply side of {@code controller.secret}: entries that reach a follower without passing the leader's check
 * (a forged AppendEntries) are skipped, while entries written before the secret was set still apply.
 */
class SealedEntriesTest {
    static final String SECRET = "sealed-entries-test-secret";

    static byte[] createTopic(String name) {
        byte[] json = MetadataJson.write(new MetadataRecord[] {
            new MetadataRecord.CreateTopic(
                    name, org.apache.kafka.common.Uuid.randomUuid().toString(), Map.of(), List.of(List.of(1)))
        });
        byte[] entry = new byte[json.length + 1];
        entry[0] = MetadataStateMachine.RECORDS;
        System.arraycopy(json, 0, entry, 1, json.length);
        return entry;
    }

    static MetadataImage apply(MetadataStateMachine machine, long index, byte[] data) {
        RaftProtos.LogEntryProto entry = RaftProtos.LogEntryProto.newBuilder()
                .setTerm(1)
                .setIndex(index)
                .setStateMachineLogEntry(RaftProtos.StateMachineLogEntryProto.newBuilder()
                        .setLogData(ByteString.copyFrom(data))
                        .setClientId(ClientId.randomId().toByteString()))
                .build();
        machine.applyTransaction(TransactionContext.newBuilder()
                        .setStateMachine(machine)
                        .setServerRole(RaftProtos.RaftPeerRole.FOLLOWER)
                        .setLogEntry(entry)
                        .build())
                .join();
        return machine.image();
    }

    @Test
    void onlySealedEntriesApplyOnceTheFirstSealedOneHas() {
        EntryAuthenticator secret = EntryAuthenticator.withSecret(SECRET);
        MetadataStateMachine machine = new MetadataStateMachine((previous, next) -> {}, secret);
        long now = System.currentTimeMillis();
        try (LogCapture logs = LogCapture.start()) {
            assertNotNull(apply(machine, 1, createTopic("before-the-secret")).topic("before-the-secret"));
            assertNotNull(
                    apply(machine, 2, secret.seal(createTopic("sealed"), now)).topic("sealed"));
            assertNull(apply(machine, 3, createTopic("forged")).topic("forged"), "unsealed after a sealed one");
            byte[] wrong =
                    EntryAuthenticator.withSecret("a-different-secret-value").seal(createTopic("wrong"), now);
            assertNull(apply(machine, 4, wrong).topic("wrong"), "sealed with another secret");
            MetadataImage image = apply(machine, 5, secret.seal(createTopic("later"), now));
            assertNotNull(image.topic("later"));
            assertEquals(5, image.offset(), "skipped entries still advance the applied index");
            assertEquals(
                    2,
                    logs.linesContaining("is not sealed with this node's controller.secret")
                            .size());
            assertTrue(logs.linesContaining(SECRET).isEmpty());
        }
    }

    @Test
    void theLeaderRefusesStaleAndReplayedMessages() {
        EntryAuthenticator secret = EntryAuthenticator.withSecret(SECRET);
        long now = System.currentTimeMillis();
        byte[] sealed = secret.seal(createTopic("t"), now);
        assertNull(secret.refusal(sealed, now));
        assertTrue(secret.refusal(sealed, now).contains("replay"));
        byte[] old = secret.seal(createTopic("t"), now - EntryAuthenticator.MAX_SKEW_MS - 1);
        assertTrue(secret.refusal(old, now).contains("more than"));
        assertTrue(secret.refusal(createTopic("t"), now).contains("no HMAC"));
        assertNull(EntryAuthenticator.NONE.refusal(createTopic("t"), now), "no secret: everything is accepted");
        byte[] inner = createTopic("x");
        assertArrayEquals(inner, EntryAuthenticator.inner(secret.seal(inner, now)));
    }
}
