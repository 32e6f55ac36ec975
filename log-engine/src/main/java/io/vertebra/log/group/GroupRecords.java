package io.vertebra.log.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The bytes of the records the group coordinator keeps in {@code __consumer_offsets}: our own compact encoding
 * (not Kafka's, which lives outside kafka-clients). All integers are big-endian. A {@code str} is an int16 byte
 * length followed by UTF-8 bytes, length -1 meaning null; {@code bytes} is an int32 length followed by the bytes.
 *
 * <pre>
 * key of a committed offset (type 1)            key of a group's metadata (type 2)
 * ┌──────────┬──────────┬──────────┬─────────┐  ┌──────────┬──────────┐
 * │ type i16 │ group    │ topic    │ part i32│  │ type i16 │ group    │
 * │    1     │ str      │ str      │         │  │    2     │ str      │
 * └──────────┴──────────┴──────────┴─────────┘  └──────────┴──────────┘
 *
 * value of a committed offset (version 1)
 * ┌─────────────┬────────────┬──────────────────┬──────────┬──────────────────────┐
 * │ version i16 │ offset i64 │ leader epoch i32 │ metadata │ commit timestamp i64 │
 * │     1       │            │  (-1: unknown)   │ str      │  (ms since epoch)    │
 * └─────────────┴────────────┴──────────────────┴──────────┴──────────────────────┘
 *
 * value of a group's metadata (version 1)
 * ┌─────────────┬───────────────┬────────────────┬───────────────┬────────┬─────────────────┬───────────┬─────────┐
 * │ version i16 │ protocol type │ generation i32 │ protocol name │ leader │ state since i64 │ count i32 │ members │
 * │     1       │ str           │                │ str           │ str    │ (ms)            │           │ …       │
 * └─────────────┴───────────────┴────────────────┴───────────────┴────────┴─────────────────┴───────────┴─────────┘
 * each member
 * ┌───────────┬─────────────┬───────────┬─────────────┬───────────────────┬─────────────────┬──────────────┬────────────┐
 * │ member id │ instance id │ client id │ client host │ rebalance tmo i32 │ session tmo i32 │ subscription │ assignment │
 * │ str       │ str         │ str       │ str         │ (ms)              │ (ms)            │ bytes        │ bytes      │
 * └───────────┴─────────────┴───────────┴─────────────┴───────────────────┴─────────────────┴──────────────┴────────────┘
 * </pre>
 *
 * <p>A record without a value (null) is a tombstone for its key. The key never changes shape, so compaction
 * works on it across value versions; a reader meeting a value version it does not know fails loudly rather than
 * guessing. Records are written in batches by {@link OffsetsTopicLog}; after a crash the partition log's own
 * recovery drops a torn batch, and replay simply sees the state before that batch, whose writes were never
 * acknowledged.
 */
public final class GroupRecords {
    static final short OFFSET_COMMIT_KEY = 1;
    static final short GROUP_METADATA_KEY = 2;
    static final short OFFSET_COMMIT_VALUE_VERSION = 1;
    static final short GROUP_METADATA_VALUE_VERSION = 1;

    private GroupRecords() {}

    /** A record as key and value bytes; {@code value} null for a tombstone. */
    public record KeyValue(byte[] key, byte[] value) {}

    public static KeyValue encode(GroupRecord record) {
        if (record instanceof GroupRecord.OffsetCommit commit) {
            return new KeyValue(
                    offsetKey(commit.groupId(), commit.partition()),
                    commit.value() == null ? null : offsetValue(commit.value()));
        }
        GroupRecord.GroupMetadata metadata = (GroupRecord.GroupMetadata) record;
        return new KeyValue(
                groupKey(metadata.groupId()), metadata.value() == null ? null : groupValue(metadata.value()));
    }

    /**
     * Decodes one record. Throws {@link IllegalStateException} naming what is wrong when the bytes are not a
     * record this class wrote (unknown key type or value version, truncated fields).
     */
    public static GroupRecord decode(ByteBuffer key, ByteBuffer value) {
        try {
            short type = key.getShort();
            String groupId = readString(key);
            if (type == OFFSET_COMMIT_KEY) {
                String topic = readString(key);
                int partition = key.getInt();
                TopicPartition tp = new TopicPartition(topic, partition);
                return new GroupRecord.OffsetCommit(groupId, tp, value == null ? null : readOffsetValue(value));
            }
            if (type == GROUP_METADATA_KEY) {
                return new GroupRecord.GroupMetadata(groupId, value == null ? null : readGroupValue(value));
            }
            throw new IllegalStateException("unknown group record key type " + type + " (known: " + OFFSET_COMMIT_KEY
                    + " offset commit, " + GROUP_METADATA_KEY + " group metadata)");
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("truncated group record", e);
        }
    }

    // -------------------------------------------------------------------------------------------- writing

    private static byte[] offsetKey(String groupId, TopicPartition tp) {
        Writer w = new Writer();
        w.putShort(OFFSET_COMMIT_KEY).putString(groupId).putString(tp.topic()).putInt(tp.partition());
        return w.toBytes();
    }

    private static byte[] groupKey(String groupId) {
        Writer w = new Writer();
        w.putShort(GROUP_METADATA_KEY).putString(groupId);
        return w.toBytes();
    }

    private static byte[] offsetValue(CommittedOffset offset) {
        Writer w = new Writer();
        w.putShort(OFFSET_COMMIT_VALUE_VERSION)
                .putLong(offset.offset())
                .putInt(offset.leaderEpoch())
                .putString(offset.metadata())
                .putLong(offset.commitTimestampMs());
        return w.toBytes();
    }

    private static byte[] groupValue(GroupRecord.GroupMetadataValue group) {
        Writer w = new Writer();
        w.putShort(GROUP_METADATA_VALUE_VERSION)
                .putString(group.protocolType())
                .putInt(group.generationId())
                .putString(group.protocolName())
                .putString(group.leaderId())
                .putLong(group.stateTimestampMs())
                .putInt(group.members().size());
        for (GroupRecord.MemberValue m : group.members()) {
            w.putString(m.memberId())
                    .putString(m.groupInstanceId())
                    .putString(m.clientId())
                    .putString(m.clientHost())
                    .putInt(m.rebalanceTimeoutMs())
                    .putInt(m.sessionTimeoutMs())
                    .putBytes(m.subscription())
                    .putBytes(m.assignment());
        }
        return w.toBytes();
    }

    // -------------------------------------------------------------------------------------------- reading

    private static CommittedOffset readOffsetValue(ByteBuffer value) {
        short version = value.getShort();
        if (version != OFFSET_COMMIT_VALUE_VERSION) {
            throw new IllegalStateException("unknown offset commit value version " + version + " (this broker reads "
                    + OFFSET_COMMIT_VALUE_VERSION + ")");
        }
        long offset = value.getLong();
        int leaderEpoch = value.getInt();
        String metadata = readString(value);
        long timestamp = value.getLong();
        return new CommittedOffset(offset, leaderEpoch, metadata, timestamp);
    }

    private static GroupRecord.GroupMetadataValue readGroupValue(ByteBuffer value) {
        short version = value.getShort();
        if (version != GROUP_METADATA_VALUE_VERSION) {
            throw new IllegalStateException("unknown group metadata value version " + version + " (this broker reads "
                    + GROUP_METADATA_VALUE_VERSION + ")");
        }
        String protocolType = readString(value);
        int generation = value.getInt();
        String protocolName = readString(value);
        String leader = readString(value);
        long stateTimestamp = value.getLong();
        int count = value.getInt();
        if (count < 0 || count > value.remaining()) {
            throw new IllegalStateException(
                    "group metadata claims " + count + " members in " + value.remaining() + " remaining bytes");
        }
        List<GroupRecord.MemberValue> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(new GroupRecord.MemberValue(
                    readString(value),
                    readString(value),
                    readString(value),
                    readString(value),
                    value.getInt(),
                    value.getInt(),
                    readBytes(value),
                    readBytes(value)));
        }
        return new GroupRecord.GroupMetadataValue(
                protocolType, generation, protocolName, leader, stateTimestamp, members);
    }

    private static String readString(ByteBuffer buffer) {
        short length = buffer.getShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new IllegalStateException(
                    "byte field of " + length + " bytes in " + buffer.remaining() + " remaining bytes");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    /** Appends fields to a growing buffer. */
    private static final class Writer {
        private ByteBuffer buffer = ByteBuffer.allocate(64);

        private void ensure(int more) {
            if (buffer.remaining() < more) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }

        Writer putShort(short v) {
            ensure(2);
            buffer.putShort(v);
            return this;
        }

        Writer putInt(int v) {
            ensure(4);
            buffer.putInt(v);
            return this;
        }

        Writer putLong(long v) {
            ensure(8);
            buffer.putLong(v);
            return this;
        }

        Writer putString(String s) {
            if (s == null) {
                return putShort((short) -1);
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > Short.MAX_VALUE) {
                throw new IllegalArgumentException("string of " + bytes.length + " UTF-8 bytes is longer than the "
                        + Short.MAX_VALUE + " a group record field holds: " + s.substring(0, 40) + "...");
            }
            putShort((short) bytes.length);
            ensure(bytes.length);
            buffer.put(bytes);
            return this;
        }

        Writer putBytes(byte[] bytes) {
            byte[] b = bytes == null ? GroupMember.EMPTY_BYTES : bytes;
            putInt(b.length);
            ensure(b.length);
            buffer.put(b);
            return this;
        }

        byte[] toBytes() {
            byte[] out = new byte[buffer.position()];
            buffer.flip();
            buffer.get(out);
            return out;
        }
    }
}
