package io.vertebra.connect.file.source;

import io.vertebra.connect.file.source.parse.EventParser;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;

/**
 * One open file the task reads: its identity, where reading stands, and its per-file parsing state. Owned by the
 * task thread; the channel stays open while the file is tracked, so a rename or deletion does not stop reading it.
 *
 * <p>Two positions: {@link #readPosition} is where the next read starts (after the last complete line handed on);
 * {@link #sentPosition} is after the last event that became a record. They differ while a multi-line event is
 * incomplete; only sent positions ever reach the offset store.
 */
final class TrackedFile {
    final String key;
    final Map<String, String> partition;
    final FileChannel channel;
    final MultilineAssembler assembler;
    private Path path;
    private String pathText;
    private byte[] prefix;
    private Fingerprint fingerprint;
    private String fingerprintText;
    private EventParser parser;
    private boolean headerPending;
    long readPosition;
    long sentPosition;
    /** Whether the file is still under a watched name; an unwatched file is read until idle, then closed. */
    boolean watched = true;
    /** The last time new bytes were read (or the file was opened); drives closing idle unwatched files. */
    long lastGrowthMs;
    /** Whether the last read reached the end of the file. */
    boolean atEnd;

    TrackedFile(
            String key,
            Path path,
            FileChannel channel,
            byte[] prefix,
            long position,
            EventParser parser,
            MultilineAssembler assembler,
            long nowMs) {
        this.key = key;
        this.partition = SourceOffsets.partition(key);
        this.channel = channel;
        this.assembler = assembler;
        this.readPosition = position;
        this.sentPosition = position;
        this.lastGrowthMs = nowMs;
        path(path);
        prefix(prefix);
        parser(parser, position == 0);
    }

    Path path() {
        return path;
    }

    String pathText() {
        return pathText;
    }

    void path(Path newPath) {
        if (!newPath.equals(path)) {
            path = newPath;
            pathText = newPath.toString();
        }
    }

    /** The file's first bytes as of the last scan (at most the configured fingerprint length). */
    byte[] prefix() {
        return prefix;
    }

    Fingerprint fingerprint() {
        return fingerprint;
    }

    String fingerprintText() {
        return fingerprintText;
    }

    /** Records the file's first bytes, and with them its fingerprint. */
    void prefix(byte[] newPrefix) {
        prefix = newPrefix;
        fingerprint = Fingerprint.of(newPrefix, newPrefix.length);
        fingerprintText = fingerprint.encode();
    }

    EventParser parser() {
        return parser;
    }

    /** Whether the next line read is the file's header line (read from position 0 with a header-using format). */
    boolean headerPending() {
        return headerPending;
    }

    void headerTaken() {
        headerPending = false;
    }

    void parser(EventParser newParser, boolean atStart) {
        parser = newParser;
        headerPending = atStart && newParser.wantsHeader();
    }

    /** The content was replaced in place (truncated): read it again from its first byte with fresh state. */
    void restartFromBeginning(byte[] newPrefix, EventParser newParser, long nowMs) {
        prefix(newPrefix);
        readPosition = 0;
        sentPosition = 0;
        lastGrowthMs = nowMs;
        atEnd = false;
        if (assembler != null) {
            assembler.reset();
        }
        parser(newParser, true);
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read-only channel loses nothing
        }
    }

    @Override
    public String toString() {
        return pathText + " " + key;
    }
}
