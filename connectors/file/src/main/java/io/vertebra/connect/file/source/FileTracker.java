package io.vertebra.connect.file.source;

import io.vertebra.connect.confine.AllowedDirs;
import io.vertebra.connect.file.source.FileDiscovery.Found;
import io.vertebra.connect.file.source.FileSourceConfig.ParseErrors;
import io.vertebra.connect.file.source.FileSourceConfig.StartPosition;
import io.vertebra.connect.file.source.parse.EventParseException;
import io.vertebra.connect.file.source.parse.EventParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which files a task reads and from where: follows files across renames (by inode), notices files truncated
 * or rewritten in place (by their first bytes), keeps reading rotated-away and deleted files until they are idle, and
 * finds where to start in a file it has not read in this run. Used by the task thread only.
 *
 * <p>Where a newly seen file starts, in order:
 *
 * <ol>
 *   <li>at its stored offset, if Connect has one for its inode and the stored fingerprint matches its first bytes;
 *   <li>where a file whose content disappeared left off, if it starts with that file's first bytes: the copy a
 *       copytruncate rotation made of a file before truncating it (the orphan), even if that happened while the
 *       task was down;
 *   <li>not yet, if its first bytes are the first bytes of a file being read: a copy in progress is held for up to
 *       {@code file.close.idle.ms} until its original is truncated (then 2. applies), else read as a new file;
 *   <li>at its end (after its last complete line) if it existed at the task's first scan and {@code
 *       start.position=end};
 *   <li>at its beginning.
 * </ol>
 *
 * Empty files are not opened until they have content: an empty file is indistinguishable from a copy that has just
 * been created.
 */
final class FileTracker {
    private static final Logger log = LoggerFactory.getLogger(FileTracker.class);
    private static final int MAX_ORPHANS = 256;
    private static final long ORPHAN_TTL_MS = 15 * 60 * 1000L;
    private static final int END_SEARCH_BYTES = 64 * 1024;

    /** Where a file whose content disappeared (truncated, rewritten) had been read up to. */
    private record Orphan(Fingerprint fingerprint, long position, String path, long sinceMs) {}

    private final FileSourceConfig config;
    private final FileDiscovery discovery;
    private final OffsetStorageReader offsets;
    private final Supplier<EventParser> parsers;
    private final Supplier<MultilineAssembler> assemblers;
    private final LineReader reader;
    private final Map<String, TrackedFile> files = new LinkedHashMap<>();
    private final Deque<Orphan> orphans = new ArrayDeque<>();
    private final Map<String, Long> heldSinceMs = new HashMap<>();
    private final Set<Path> unreadable = new HashSet<>();
    private final AllowedDirs allowedDirs = AllowedDirs.fromSystemProperty();
    private final Set<Path> outside = new HashSet<>();
    private List<TrackedFile> fileList = List.of();
    private boolean firstScan = true;

    FileTracker(
            FileSourceConfig config,
            OffsetStorageReader offsets,
            Supplier<EventParser> parsers,
            Supplier<MultilineAssembler> assemblers,
            LineReader reader) {
        this.config = config;
        this.discovery = new FileDiscovery(config.filePaths(), config.filePattern(), config.excludePattern());
        this.offsets = offsets;
        this.parsers = parsers;
        this.assemblers = assemblers;
        this.reader = reader;
    }

    /** The files being read, in a stable order; the list is replaced (not changed) when files come and go. */
    List<TrackedFile> files() {
        return fileList;
    }

    /** Looks at the file system once: new files, renames, truncations, files gone from the watched names. */
    void scan(long nowMs) throws IOException {
        List<Found> fresh = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Found found : discovery.find()) {
            if (!seen.add(found.key())) {
                continue; // a second name (hard link) of a file already seen
            }
            TrackedFile file = files.get(found.key());
            if (file == null) {
                fresh.add(found);
                continue;
            }
            if (!file.path().equals(found.path())) {
                log.info("{} was renamed to {}; reading it on", file.pathText(), found.path());
                file.path(found.path());
            }
            file.watched = true;
            checkContent(file, nowMs);
        }
        for (TrackedFile file : files.values()) {
            if (file.watched && !seen.contains(file.key)) {
                file.watched = false;
                log.info(
                        "{} is no longer under a watched name (rotated or deleted); reading it until it has been"
                                + " idle for {} ms",
                        file.pathText(),
                        config.closeIdleMs());
            }
        }
        heldSinceMs.keySet().retainAll(seen);
        if (!fresh.isEmpty()) {
            open(fresh, nowMs);
        }
        expireOrphans(nowMs);
        firstScan = false;
    }

    /** Notices a tracked file whose content was truncated or rewritten in place, and grows its fingerprint. */
    private void checkContent(TrackedFile file, long nowMs) throws IOException {
        long size = file.channel.size();
        byte[] prefix = Fingerprint.readPrefix(file.channel, config.fingerprintBytes());
        if (size < file.readPosition) {
            replaced(file, "truncated to " + size + " bytes", prefix, nowMs);
        } else if (!startsWith(prefix, file.prefix())) {
            replaced(file, "rewritten", prefix, nowMs);
        } else if (prefix.length > file.prefix().length) {
            file.prefix(prefix);
        }
    }

    private void replaced(TrackedFile file, String how, byte[] prefix, long nowMs) {
        if (file.sentPosition > 0) {
            addOrphan(new Orphan(file.fingerprint(), file.sentPosition, file.pathText(), nowMs));
        }
        log.info(
                "{} was {} in place (a copytruncate rotation?) after {} bytes had been sent; reading it again from"
                        + " its start",
                file.pathText(),
                how,
                file.sentPosition);
        reader.forget(file);
        file.restartFromBeginning(prefix, parsers.get(), nowMs);
    }

    /**
     * Whether the worker allows reading {@code path}, judged where it leads: a glob follows links, and a link may
     * appear after the config was validated. A refused file is logged once, not on every scan.
     */
    private boolean insideAllowedDirs(Path path) {
        boolean listed = config.filePaths().stream()
                .anyMatch(p -> Path.of(p).toAbsolutePath().normalize().equals(path));
        var problem = allowedDirs.problem(
                listed ? FileSourceConfig.FILE_PATHS : FileSourceConfig.FILE_PATTERN, path.toString());
        if (problem.isEmpty()) {
            outside.remove(path);
            return true;
        }
        if (outside.add(path)) {
            log.warn("Not reading {}: {}", path, problem.get());
        }
        return false;
    }

    private record Opening(Found found, FileChannel channel, byte[] prefix, SourceOffsets.Stored stored) {}

    private void open(List<Found> fresh, long nowMs) throws IOException {
        List<Opening> openings = new ArrayList<>();
        for (Found found : fresh) {
            Opening opening = tryOpen(found);
            if (opening != null) {
                openings.add(opening);
            }
        }
        if (openings.isEmpty()) {
            return;
        }
        List<Map<String, String>> partitions = new ArrayList<>();
        openings.forEach(o -> partitions.add(SourceOffsets.partition(o.found.key())));
        Map<Map<String, String>, Map<String, Object>> stored = offsets.offsets(partitions);
        // First every stored offset whose file was replaced while the task was down becomes an orphan, so that the
        // copy of that file, found in this same scan, can take it over.
        List<Opening> resolved = new ArrayList<>();
        for (Opening opening : openings) {
            Map<String, Object> raw = stored == null ? null : stored.get(SourceOffsets.partition(opening.found.key()));
            SourceOffsets.Stored offset = SourceOffsets.decode(raw);
            if (offset != null
                    && offset.fingerprint() != null
                    && !offset.fingerprint().matches(opening.prefix)) {
                if (offset.position() > 0) {
                    addOrphan(new Orphan(
                            offset.fingerprint(),
                            offset.position(),
                            String.valueOf(raw.get(SourceOffsets.PATH)),
                            nowMs));
                }
                log.info(
                        "{} has a stored offset for its inode but different first bytes: the inode was reused or the"
                                + " file rewritten",
                        opening.found.path());
                offset = null;
            }
            resolved.add(new Opening(opening.found, opening.channel, opening.prefix, offset));
        }
        for (Opening opening : resolved) {
            start(opening, nowMs);
        }
        fileList = List.copyOf(files.values());
    }

    private Opening tryOpen(Found found) throws IOException {
        if (found.size() == 0) {
            return null; // nothing to read yet; see the class comment
        }
        if (allowedDirs.restricted() && !insideAllowedDirs(found.path())) {
            return null;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(found.path(), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null; // gone since it was listed
        } catch (IOException e) {
            if (unreadable.add(found.path())) { // once per file, not on every scan
                log.warn("Cannot open {}: {}; skipping it until it can be read", found.path(), e.toString());
            }
            return null;
        }
        unreadable.remove(found.path());
        try {
            // the name may point to another file than the one listed (a rotation between listing and opening)
            String key = FileDiscovery.identityKey(
                    found.path(), Files.readAttributes(found.path(), BasicFileAttributes.class));
            if (!key.equals(found.key()) || files.containsKey(key)) {
                channel.close();
                return null;
            }
            return new Opening(found, channel, Fingerprint.readPrefix(channel, config.fingerprintBytes()), null);
        } catch (IOException e) {
            channel.close();
            if (e instanceof NoSuchFileException) {
                return null;
            }
            throw e;
        }
    }

    private void start(Opening opening, long nowMs) throws IOException {
        Found found = opening.found;
        long size = opening.channel.size();
        long position;
        String why;
        Orphan orphan;
        if (opening.stored != null) {
            position = opening.stored.position();
            why = "its stored offset";
            if (position > size) {
                log.warn(
                        "{} is shorter ({} bytes) than its stored offset {}: it was truncated; reading from its start",
                        found.path(),
                        size,
                        position);
                position = 0;
                why = "its start (truncated since the stored offset)";
            }
        } else if ((orphan = takeOrphan(opening.prefix, size)) != null) {
            position = orphan.position;
            why = "where " + orphan.path + " left off before it was truncated (this is its copy)";
        } else if (isCopyOfTrackedFile(opening.prefix) && !holdExpired(found.key(), nowMs)) {
            heldSinceMs.putIfAbsent(found.key(), nowMs);
            opening.channel.close();
            log.debug(
                    "{} starts like a file being read; waiting to see whether it is a copytruncate copy", found.path());
            return;
        } else if (firstScan && config.startPosition() == StartPosition.END) {
            position = endOfLastLine(opening.channel, size);
            why = "its end (start.position=end)";
        } else {
            position = 0;
            why = "its start";
        }
        heldSinceMs.remove(found.key());
        TrackedFile file = new TrackedFile(
                found.key(),
                found.path(),
                opening.channel,
                opening.prefix,
                position,
                parsers.get(),
                assemblers.get(),
                nowMs);
        if (position > 0 && file.parser().wantsHeader()) {
            readHeader(file);
        }
        files.put(file.key, file);
        log.info("Reading {} ({}) from byte {} of {}: {}", found.path(), found.key(), position, size, why);
    }

    private boolean holdExpired(String key, long nowMs) {
        Long since = heldSinceMs.get(key);
        return since != null && nowMs - since >= config.closeIdleMs() + config.scanIntervalMs();
    }

    private boolean isCopyOfTrackedFile(byte[] prefix) {
        for (TrackedFile file : files.values()) {
            int common = Math.min(prefix.length, file.prefix().length);
            if (common > 0 && Arrays.equals(prefix, 0, common, file.prefix(), 0, common)) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private void addOrphan(Orphan orphan) {
        orphans.addLast(orphan);
        while (orphans.size() > MAX_ORPHANS) {
            orphans.removeFirst();
        }
    }

    private Orphan takeOrphan(byte[] prefix, long size) {
        for (Iterator<Orphan> it = orphans.descendingIterator(); it.hasNext(); ) {
            Orphan orphan = it.next();
            if (orphan.fingerprint.length() > 0 && orphan.position <= size && orphan.fingerprint.matches(prefix)) {
                it.remove();
                return orphan;
            }
        }
        return null;
    }

    private void expireOrphans(long nowMs) {
        orphans.removeIf(o -> nowMs - o.sinceMs > ORPHAN_TTL_MS);
    }

    /** The position after the last newline, so a line being written when the task starts is read whole. */
    private static long endOfLastLine(FileChannel channel, long size) throws IOException {
        int length = (int) Math.min(size, END_SEARCH_BYTES);
        ByteBuffer tail = ByteBuffer.allocate(length);
        long from = size - length;
        while (tail.hasRemaining() && channel.read(tail, from + tail.position()) > 0) {
            // read the tail
        }
        byte[] bytes = tail.array();
        for (int i = tail.position() - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return from + i + 1;
            }
        }
        return size <= END_SEARCH_BYTES ? 0 : size;
    }

    /** A file read from the middle still needs its header line (CSV column names): read the first line. */
    private void readHeader(TrackedFile file) throws IOException {
        int max = config.lineMaxBytes();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(max, Math.max(1, file.readPosition)));
        while (buffer.hasRemaining() && file.channel.read(buffer, buffer.position()) > 0) {
            // read up to the line limit
        }
        byte[] bytes = buffer.array();
        for (int i = 0; i < buffer.position(); i++) {
            if (bytes[i] == '\n') {
                int end = i > 0 && bytes[i - 1] == '\r' ? i - 1 : i;
                header(file, new String(bytes, 0, end, config.encoding()));
                return;
            }
        }
        log.warn("{} has no complete first line to take the column names from", file.pathText());
    }

    /** Hands a header line to the file's parser, applying {@code parse.errors} to an invalid header. */
    void header(TrackedFile file, String line) {
        file.headerTaken();
        try {
            file.parser().header(line);
        } catch (EventParseException e) {
            String message = file.pathText() + ": the header line " + e.getMessage();
            if (config.parseErrors() == ParseErrors.FAIL) {
                throw new ConnectException(message + " (parse.errors=fail)");
            }
            log.warn("{}; its events cannot be parsed", message);
        }
    }

    /**
     * Closes files that left the watched names and have been idle for {@code file.close.idle.ms}, after handing
     * each to {@code beforeClose} (which sends a pending multi-line event: no more lines will come).
     */
    void closeIdle(long nowMs, Consumer<TrackedFile> beforeClose) {
        boolean changed = false;
        for (Iterator<TrackedFile> it = files.values().iterator(); it.hasNext(); ) {
            TrackedFile file = it.next();
            if (!file.watched && file.atEnd && nowMs - file.lastGrowthMs >= config.closeIdleMs()) {
                beforeClose.accept(file);
                reader.forget(file);
                file.close();
                it.remove();
                changed = true;
                log.info(
                        "Closed {} after {} bytes: rotated away or deleted, and idle",
                        file.pathText(),
                        file.readPosition);
            }
        }
        if (changed) {
            fileList = List.copyOf(files.values());
        }
    }

    void closeAll() {
        files.values().forEach(TrackedFile::close);
        files.clear();
        fileList = List.of();
    }
}
