package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The byte encoding of the coordinator's records: round trips, tombstones, and refusing what it cannot read. */
class GroupRecordsTest {
    private static GroupRecord roundTrip(GroupRecord record) {
        GroupRecords.KeyValue kv = GroupRecords.encode(record);
        return GroupRecords.decode(ByteBuffer.wrap(kv.key()), kv.value() == null ? null : ByteBuffer.wrap(kv.value()));
    }

    @Test
    void offsetCommitsAndTheirTombstonesRoundTrip() {
        GroupRecord.OffsetCommit commit = new GroupRecord.OffsetCommit(
                "gröup", new TopicPartition("orders", 7), new CommittedOffset(123, 5, "meta", 1_700_000_000_000L));
        assertEquals(commit, roundTrip(commit));
        GroupRecord.OffsetCommit tombstone =
                new GroupRecord.OffsetCommit("gröup", new TopicPartition("orders", 7), null);
        assertEquals(tombstone, roundTrip(tombstone));
        assertNull(GroupRecords.encode(tombstone).value());
        assertArrayEquals(
                GroupRecords.encode(commit).key(),
                GroupRecords.encode(tombstone).key(),
                "same key: compaction pairs them");
    }

    @Test
    void groupMetadataRoundTripsWithMembersAndNulls() {
        GroupRecord.GroupMetadataValue value = new GroupRecord.GroupMetadataValue(
                "consumer",
                9,
                "range",
                "m-1",
                42L,
                List.of(
                        new GroupRecord.MemberValue(
                                "m-1", null, "client-a", "/10.0.0.1", 300_000, 45_000, new byte[] {1, 2}, new byte[] {3
                                }),
                        new GroupRecord.MemberValue(
                                "i-2", "i", "client-b", "/10.0.0.2", 60_000, 10_000, new byte[0], new byte[] {4, 5, 6
                                })));
        GroupRecord.GroupMetadata decoded =
                (GroupRecord.GroupMetadata) roundTrip(new GroupRecord.GroupMetadata("g", value));
        GroupRecord.GroupMetadataValue back = decoded.value();
        assertEquals("consumer", back.protocolType());
        assertEquals(9, back.generationId());
        assertEquals("m-1", back.leaderId());
        assertEquals(42L, back.stateTimestampMs());
        assertEquals(2, back.members().size());
        assertNull(back.members().get(0).groupInstanceId());
        assertEquals("i", back.members().get(1).groupInstanceId());
        assertArrayEquals(new byte[] {4, 5, 6}, back.members().get(1).assignment());

        GroupRecord.GroupMetadataValue empty = new GroupRecord.GroupMetadataValue(null, 3, null, null, 7L, List.of());
        GroupRecord.GroupMetadata emptyBack =
                (GroupRecord.GroupMetadata) roundTrip(new GroupRecord.GroupMetadata("g", empty));
        assertEquals(empty, emptyBack.value());
        assertTrue(roundTrip(new GroupRecord.GroupMetadata("g", null)).isTombstone());
    }

    @Test
    void unknownKeyTypesValueVersionsAndTruncatedBytesAreRefusedWithAReason() {
        GroupRecords.KeyValue kv = GroupRecords.encode(
                new GroupRecord.OffsetCommit("g", new TopicPartition("t", 0), new CommittedOffset(1, -1, "", 0)));
        byte[] badKey = kv.key().clone();
        badKey[1] = 9;
        IllegalStateException unknownKey = assertThrows(
                IllegalStateException.class,
                () -> GroupRecords.decode(ByteBuffer.wrap(badKey), ByteBuffer.wrap(kv.value())));
        assertTrue(unknownKey.getMessage().contains("key type 9"), unknownKey.getMessage());

        byte[] badVersion = kv.value().clone();
        badVersion[1] = 7;
        IllegalStateException unknownVersion = assertThrows(
                IllegalStateException.class,
                () -> GroupRecords.decode(ByteBuffer.wrap(kv.key()), ByteBuffer.wrap(badVersion)));
        assertTrue(unknownVersion.getMessage().contains("version 7"), unknownVersion.getMessage());

        byte[] truncated = Arrays.copyOf(kv.value(), kv.value().length - 3);
        assertThrows(
                IllegalStateException.class,
                () -> GroupRecords.decode(ByteBuffer.wrap(kv.key()), ByteBuffer.wrap(truncated)));
    }
}
