package io.vertebra.log.record;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferInputStream;

/**
 * Walks the records section of one produced v2 batch — through kafka-clients' decompressing stream if the batch is
 * compressed — and checks that it holds exactly the records its header declares, each well formed. Consumers
 * decode records with kafka-clients' {@code DefaultRecord.readFrom}, which allocates each record's declared length
 * and fails the whole partition on a malformed one; this walk keeps such batches out of the log. It never
 * allocates a size the bytes declare: lengths are checked against what remains of their record and skipped
 * through a fixed buffer, so a length beyond the data ends as an error at the end of the data.
 *
 * <pre>
 * record (v2)
 *   length          varint    bytes after this field; every field below must end exactly there
 *   attributes      int8
 *   timestampDelta  varlong   from the batch's base timestamp
 *   offsetDelta     varint    the record's index: 0, 1, ... count - 1
 *   keyLength       varint    -1 = null key (refused on compacted topics)
 *   key             keyLength bytes
 *   valueLength     varint    -1 = null value (a tombstone)
 *   value           valueLength bytes
 *   headerCount     varint    then headerCount times:
 *     keyLength     varint    >= 0 (header keys are never null)
 *     key           keyLength bytes
 *     valueLength   varint    -1 = null value
 *     value         valueLength bytes
 * </pre>
 *
 * <p>Verdicts: bytes that do not decompress or do not parse as the drawing (a length beyond the record or the
 * data, a record count other than the header's, bytes after the last record) are {@link CorruptRecordException}
 * (CORRUPT_MESSAGE); well-formed records that break a rule (offset deltas not 0..n-1, a keyless record on a
 * compacted topic, a timestamp out of bounds) are the per-record {@link RecordErrors} exceptions, which name the
 * record. Runs on the request handler thread; keeps one decompression buffer cache per thread.
 */
final class RecordsSection {
    private RecordsSection() {}

    /** Bytes skipped or buffered at a time from a decompressing stream. */
    private static final int CHUNK_BYTES = 8 * 1024;

    /** The smallest record body: six one-byte fields (attributes to header count). */
    private static final int MIN_BODY_BYTES = 6;

    /** Per handler thread: kafka-clients' decompression buffers (lz4 takes 64 KB a batch) and our chunk. */
    private static final ThreadLocal<StreamScratch> SCRATCH = ThreadLocal.withInitial(StreamScratch::new);

    private static final class StreamScratch {
        final BufferSupplier buffers = BufferSupplier.create();
        final byte[] chunk = new byte[CHUNK_BYTES];
    }

    /**
     * Validates the records of {@code batch}, a v2 batch that passed its CRC check whose bytes start at
     * {@code batchStart} in {@code buffer}.
     */
    static void validate(
            DefaultRecordBatch batch,
            ByteBuffer buffer,
            int batchStart,
            int count,
            ProduceBatches.Rules rules,
            long nowMs) {
        long baseTimestamp = batch.baseTimestamp();
        boolean checkTimestamps = rules.timestampType() == TimestampType.CREATE_TIME;
        StreamScratch scratch = SCRATCH.get();
        if (!batch.isCompressed()) {
            Source section = Source.of(
                    buffer,
                    batchStart + DefaultRecordBatch.RECORD_BATCH_OVERHEAD,
                    batchStart + batch.sizeInBytes(),
                    scratch.chunk);
            try {
                walk(section, count, baseTimestamp, checkTimestamps, rules, nowMs);
            } catch (IOException e) {
                throw new IllegalStateException("reading a byte buffer does no I/O", e);
            }
            return;
        }
        if (batch.compressionType() == CompressionType.SNAPPY) {
            checkSnappySizes(
                    buffer, batchStart + DefaultRecordBatch.RECORD_BATCH_OVERHEAD, batchStart + batch.sizeInBytes());
        }
        try (InputStream in = batch.recordInputStream(scratch.buffers)) {
            walk(Source.of(in, scratch.chunk), count, baseTimestamp, checkTimestamps, rules, nowMs);
        } catch (ApiException e) {
            throw e; // a verdict of the walk
        } catch (IOException | RuntimeException e) {
            // any failure of the codec (KafkaException, IOException, the native libraries' own exceptions)
            throw new CorruptRecordException(
                    "record batch does not decompress as " + batch.compressionType().name + ": " + e.getMessage());
        }
    }

    /** snappy-java's stream header: magic, version, compatible version. */
    private static final byte[] SNAPPY_MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};

    private static final int SNAPPY_HEADER_BYTES = 16;

    /**
     * Snappy's densest encoding (a 3-byte copy of 64 bytes) expands 21.3 times; a chunk declaring more cannot be
     * valid.
     */
    private static final int SNAPPY_MAX_EXPANSION = 22;

    /**
     * snappy-java's {@code SnappyInputStream} allocates what the stream declares before reading it: each chunk's
     * compressed size (up to 512 MB) and uncompressed length (up to 4 GB). Walks its framing as it does — chunks of
     * [int32 size][raw snappy: varint uncompressed length, ...] after a 16-byte header that may repeat, or without
     * the header one raw block — and refuses sizes the section cannot hold or expand to, so what snappy-java
     * allocates stays within {@value #SNAPPY_MAX_EXPANSION} times the batch.
     */
    private static void checkSnappySizes(ByteBuffer buffer, int start, int end) {
        if (start == end) {
            return;
        }
        if (!snappyHeaderAt(buffer, start, end)) {
            checkSnappyBlock(buffer, start, end - start, "the records section");
            return;
        }
        int at = start + SNAPPY_HEADER_BYTES;
        while (end - at >= 4) {
            if (snappyHeaderAt(buffer, at, end)) { // snappy-java reads concatenated streams
                at += SNAPPY_HEADER_BYTES;
                continue;
            }
            int chunkBytes = buffer.getInt(at);
            at += 4;
            if (chunkBytes < 0 || chunkBytes > end - at) {
                throw new CorruptRecordException("snappy chunk at byte " + (at - 4 - start)
                        + " of the records section declares " + chunkBytes + " bytes but " + (end - at)
                        + " remain");
            }
            checkSnappyBlock(buffer, at, chunkBytes, "the snappy chunk at byte " + (at - 4 - start));
            at += chunkBytes;
        }
    }

    private static boolean snappyHeaderAt(ByteBuffer buffer, int at, int end) {
        if (end - at < SNAPPY_HEADER_BYTES) {
            return false;
        }
        for (int i = 0; i < SNAPPY_MAGIC.length; i++) {
            if (buffer.get(at + i) != SNAPPY_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** A raw snappy block: its varint uncompressed length must be one {@code blockBytes} can expand to. */
    private static void checkSnappyBlock(ByteBuffer buffer, int at, int blockBytes, String what) {
        long length = 0;
        for (int i = 0; i < 5 && i < blockBytes; i++) {
            int b = buffer.get(at + i) & 0xff;
            length |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                break;
            }
        }
        if (length > (long) blockBytes * SNAPPY_MAX_EXPANSION) {
            throw new CorruptRecordException(what + " declares " + length + " uncompressed bytes; its " + blockBytes
                    + " bytes can hold at most " + (long) blockBytes * SNAPPY_MAX_EXPANSION);
        }
    }

    private static void walk(
            Source in, int count, long baseTimestamp, boolean checkTimestamps, ProduceBatches.Rules rules, long nowMs)
            throws IOException {
        for (int index = 0; index < count; index++) {
            int length = in.readVarint(index);
            if (length < MIN_BODY_BYTES) {
                throw corrupt(
                        index, "declares a length of " + length + " bytes; a record takes at least " + MIN_BODY_BYTES);
            }
            long end = in.position() + length;
            in.readByte(index); // attributes: unused in v2 records
            long timestampDelta = in.readVarlong(index);
            int offsetDelta = in.readVarint(index);
            int keyLength = in.readVarint(index);
            within(in, end, index, length);
            skipField(in, keyLength, -1, end, index, "key");
            int valueLength = in.readVarint(index);
            within(in, end, index, length);
            skipField(in, valueLength, -1, end, index, "value");
            int headers = in.readVarint(index);
            if (headers < 0) {
                throw corrupt(index, "declares " + headers + " headers");
            }
            for (int h = 0; h < headers; h++) {
                int headerKeyLength = in.readVarint(index);
                within(in, end, index, length);
                skipField(in, headerKeyLength, 0, end, index, "header key");
                int headerValueLength = in.readVarint(index);
                within(in, end, index, length);
                skipField(in, headerValueLength, -1, end, index, "header value");
            }
            if (in.position() != end) {
                throw corrupt(
                        index,
                        "declares a length of " + length + " bytes but its fields take "
                                + (in.position() - (end - length)));
            }
            // rules on well-formed records, in Kafka's order (LogValidator.validateRecord): offset, key, timestamp
            if (offsetDelta != index) {
                throw new RecordErrors.InvalidRecord(
                        index,
                        "record " + index + " of the batch has offset delta " + offsetDelta
                                + "; the records of a batch have offset deltas 0, 1, 2, ... in order");
            }
            if (rules.compacted() && keyLength < 0) {
                throw new RecordErrors.InvalidRecord(
                        index,
                        "Compacted topic cannot accept message without key (record " + index
                                + " of the batch has a null key; cleanup.policy=compact)");
            }
            if (checkTimestamps) {
                ProduceBatches.checkTimestamp(baseTimestamp + timestampDelta, rules, nowMs, index);
            }
        }
        if (!in.atEnd()) {
            throw new CorruptRecordException("record batch declares " + count
                    + " records but its records section holds more bytes after the last of them");
        }
    }

    /** Fails if the fields read so far run past the record's declared end. */
    private static void within(Source in, long end, int index, int length) {
        if (in.position() > end) {
            throw corrupt(index, "declares a length of " + length + " bytes but its fields run past it");
        }
    }

    private static void skipField(Source in, int fieldLength, int minLength, long end, int index, String field)
            throws IOException {
        if (fieldLength < minLength) {
            throw corrupt(index, "declares a " + field + " length of " + fieldLength);
        }
        if (fieldLength > end - in.position()) {
            throw corrupt(
                    index,
                    "declares a " + field + " of " + fieldLength + " bytes but only " + (end - in.position())
                            + " remain of the record");
        }
        if (fieldLength > 0) { // -1 (null) has no bytes
            in.skip(fieldLength, index);
        }
    }

    static CorruptRecordException corrupt(int index, String what) {
        return new CorruptRecordException("record " + index + " of the batch " + what);
    }

    /**
     * The bytes of a records section, read forward once: the request's own array for an uncompressed section on
     * a heap buffer, otherwise a stream (kafka-clients' decompressing one) read a chunk at a time. One class, so
     * the per-byte calls of the walk stay monomorphic.
     */
    private static final class Source {
        private final InputStream in; // null: all bytes are in bytes[at, filled)
        private final byte[] bytes;
        private int at;
        private int filled;
        private long consumedBeforeChunk;

        private Source(InputStream in, byte[] bytes, int at, int filled, long consumedBeforeChunk) {
            this.in = in;
            this.bytes = bytes;
            this.at = at;
            this.filled = filled;
            this.consumedBeforeChunk = consumedBeforeChunk;
        }

        static Source of(ByteBuffer buffer, int start, int end, byte[] chunk) {
            if (buffer.hasArray()) {
                int from = buffer.arrayOffset() + start;
                return new Source(null, buffer.array(), from, buffer.arrayOffset() + end, -from);
            }
            ByteBuffer section = buffer.duplicate().limit(end).position(start);
            return of(new ByteBufferInputStream(section), chunk);
        }

        static Source of(InputStream in, byte[] chunk) {
            return new Source(in, chunk, 0, 0, 0);
        }

        /** Bytes consumed so far. */
        long position() {
            return consumedBeforeChunk + at;
        }

        /** The next byte, 0-255; fails if the section has ended. */
        int readByte(int index) throws IOException {
            if (at >= filled && !fill()) {
                throw ended(index);
            }
            return bytes[at++] & 0xff;
        }

        /** Skips {@code n} bytes; fails if the section ends first. */
        void skip(int n, int index) throws IOException {
            int left = n;
            while (left > filled - at) {
                left -= filled - at;
                at = filled;
                if (!fill()) {
                    throw ended(index);
                }
            }
            at += left;
        }

        /** True if no byte is left. */
        boolean atEnd() throws IOException {
            return at >= filled && !fill();
        }

        /** Refills the chunk from the stream; false at its end. */
        private boolean fill() throws IOException {
            if (in == null) {
                return false;
            }
            consumedBeforeChunk += filled;
            at = 0;
            filled = 0;
            int n = in.read(bytes, 0, bytes.length);
            if (n == 0) { // not expected of a blocking stream; one byte at a time cannot spin
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                bytes[0] = (byte) b;
                n = 1;
            }
            if (n < 0) {
                return false;
            }
            filled = n;
            return true;
        }

        int readVarint(int index) throws IOException {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7) {
                int b = readByte(index);
                value |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw corrupt(index, "has a varint longer than 5 bytes");
        }

        long readVarlong(int index) throws IOException {
            long value = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                int b = readByte(index);
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
            }
            throw corrupt(index, "has a varlong longer than 10 bytes");
        }

        static CorruptRecordException ended(int index) {
            return corrupt(index, "is cut short: the records section ends inside it (fewer records than declared?)");
        }
    }
}
