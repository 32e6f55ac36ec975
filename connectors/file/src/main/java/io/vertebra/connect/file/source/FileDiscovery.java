package io.vertebra.connect.file.source;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the regular files a task watches right now: the configured paths that exist and the files matching the glob,
 * minus the excluded ones, oldest modification first (so older rotated files are read first). Called by the task
 * thread on every scan; it only reads the file system.
 */
final class FileDiscovery {
    private static final Logger log = LoggerFactory.getLogger(FileDiscovery.class);

    /** A file found by a scan, with the attributes read while finding it. */
    record Found(Path path, String key, long size, long modifiedMs) {}

    private final List<Path> paths;
    private final String glob;
    private final PathMatcher matcher;
    private final PathMatcher exclude;
    private final Path globBase;
    private final int globDepth;

    FileDiscovery(List<String> paths, String glob, String excludeGlob) {
        this.paths =
                paths.stream().map(p -> Path.of(p).toAbsolutePath().normalize()).toList();
        this.glob = glob.isEmpty() ? "" : FileSourceConfig.absoluteGlob(glob);
        this.matcher = this.glob.isEmpty() ? null : FileSystems.getDefault().getPathMatcher("glob:" + this.glob);
        this.exclude =
                excludeGlob.isEmpty() ? null : FileSystems.getDefault().getPathMatcher("glob:" + anywhere(excludeGlob));
        this.globBase = this.glob.isEmpty() ? null : baseDirectory(this.glob);
        this.globDepth = this.glob.isEmpty() ? 0 : depth(this.glob);
    }

    /** An exclude glob that is not absolute matches at any depth: {@code *.gz} excludes every .gz file. */
    static String anywhere(String excludeGlob) {
        return excludeGlob.startsWith("/") ? excludeGlob : "**/" + excludeGlob;
    }

    /** The deepest directory of the glob that has no glob characters, where the walk starts. */
    static Path baseDirectory(String glob) {
        String[] parts = glob.split("/", -1);
        StringBuilder base = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            if (hasGlobCharacters(parts[i])) {
                break;
            }
            base.append(parts[i]).append('/');
        }
        return Path.of(base.length() == 0 ? "/" : base.toString());
    }

    /** How many directory levels below the base the glob reaches; unlimited with {@code **}. */
    private static int depth(String glob) {
        if (glob.contains("**")) {
            return Integer.MAX_VALUE;
        }
        String[] parts = glob.split("/", -1);
        int baseParts = 0;
        for (int i = 0; i < parts.length - 1 && !hasGlobCharacters(parts[i]); i++) {
            baseParts++;
        }
        return parts.length - baseParts;
    }

    private static boolean hasGlobCharacters(String part) {
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    List<Found> find() {
        List<Found> found = new ArrayList<>();
        for (Path path : paths) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    found.add(found(path, attributes));
                }
            } catch (NoSuchFileException e) {
                // not created yet, or between a rotation's rename and create
            } catch (IOException e) {
                log.warn("Cannot read the attributes of {}: {}", path, e.toString());
            }
        }
        if (matcher != null && Files.isDirectory(globBase)) {
            walk(found);
        }
        found.sort(Comparator.comparingLong(Found::modifiedMs).thenComparing(Found::path));
        return found;
    }

    private void walk(List<Found> found) {
        try {
            Files.walkFileTree(
                    globBase, EnumSet.of(FileVisitOption.FOLLOW_LINKS), globDepth, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                            if (attributes.isRegularFile()
                                    && matcher.matches(file)
                                    && (exclude == null || !exclude.matches(file))) {
                                found.add(found(file, attributes));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (!(e instanceof NoSuchFileException)) {
                                log.warn(
                                        "Cannot read {} while matching {}: {}",
                                        file,
                                        glob,
                                        e instanceof FileSystemLoopException ? "a symbolic link loop" : e.toString());
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            log.warn("Cannot list {} while matching {}: {}", globBase, glob, e.toString());
        }
    }

    private static Found found(Path path, BasicFileAttributes attributes) {
        return new Found(
                path,
                identityKey(path, attributes),
                attributes.size(),
                attributes.lastModifiedTime().toMillis());
    }

    /** The file's inode as the JDK reports it, e.g. {@code (dev=803,ino=1234)}; the path where there is none. */
    static String identityKey(Path path, BasicFileAttributes attributes) {
        Object fileKey = attributes.fileKey();
        return fileKey != null ? fileKey.toString() : "path:" + path;
    }
}
