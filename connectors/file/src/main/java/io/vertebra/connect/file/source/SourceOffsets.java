package io.vertebra.connect.file.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the file source names its place in a file in Connect's offset store.
 *
 * <pre>
 * partition: {"file.key": "(dev=803,ino=1234)"}       the file's identity (its inode), so renames keep it
 * offset:    {"position": 1234567,                     the byte after the last event sent
 *             "fingerprint": "1024:9f3c2a11",          CRC32C of the first bytes (see Fingerprint)
 *             "path": "/var/log/app.log.1"}            where the file was last seen (informational)
 * </pre>
 *
 * A stored position is trusted only when the stored fingerprint matches the file found under that key; an offset
 * without a fingerprint (for example one written through the REST offsets API) is trusted as it is.
 */
public final class SourceOffsets {
    public static final String FILE_KEY = "file.key";
    public static final String POSITION = "position";
    public static final String FINGERPRINT = "fingerprint";
    public static final String PATH = "path";

    private SourceOffsets() {}

    public static Map<String, String> partition(String fileKey) {
        return Map.of(FILE_KEY, fileKey);
    }

    public static Map<String, Object> offset(long position, String fingerprint, String path) {
        return Map.of(POSITION, position, FINGERPRINT, fingerprint, PATH, path);
    }

    /** A stored offset: the position and, if it was stored, the fingerprint of the file it belongs to. */
    public record Stored(long position, Fingerprint fingerprint) {}

    /** The stored offset, or null when there is none or it has no usable position. */
    public static Stored decode(Map<String, Object> offset) {
        if (offset == null || !(offset.get(POSITION) instanceof Number position) || position.longValue() < 0) {
            return null;
        }
        return new Stored(position.longValue(), Fingerprint.decode(offset.get(FINGERPRINT)));
    }

    /** What is wrong with a partition and offset given to the REST offsets API; empty when they are valid. */
    public static List<String> problems(Map<String, ?> partition, Map<String, ?> offset) {
        List<String> problems = new ArrayList<>();
        if (partition == null || !(partition.get(FILE_KEY) instanceof String key) || key.isEmpty()) {
            problems.add("the partition " + partition + " must be {\"" + FILE_KEY + "\": \"<file key>\"}, as shown"
                    + " by GET /connectors/<name>/offsets");
        }
        if (offset == null) {
            return problems; // a null offset resets the file
        }
        Object position = offset.get(POSITION);
        if (!(position instanceof Number n) || n.longValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
            problems.add("the offset " + offset + " must have \"" + POSITION + "\" as a byte position >= 0");
        }
        Object fingerprint = offset.get(FINGERPRINT);
        if (fingerprint != null && Fingerprint.decode(fingerprint) == null) {
            problems.add("the offset " + offset + " has \"" + FINGERPRINT + "\" " + fingerprint
                    + "; it must be <length>:<crc32c hex> or be left out");
        }
        return problems;
    }
}
