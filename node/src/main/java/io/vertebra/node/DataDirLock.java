package io.vertebra.node;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An exclusive OS lock on {@code <data-dir>/.lock}, held for the node's lifetime, so a second node on the same
 * data directory refuses to start instead of corrupting it. The OS drops the lock when the process dies,
 * SIGKILL included, so no stale lock survives a crash.
 *
 * <p>The data directory holds the config topic (connector configs, secrets included unless they are placeholders),
 * offsets and the cluster metadata, so on POSIX file systems it is private to the node's user: created {@code 0700}
 * (an existing one is narrowed to it), and at each start every directory under it is set to {@code 0700} and every
 * file to {@code 0600}. Files created while the node runs take the process umask, but sit inside the {@code 0700}
 * directory, which no other user can enter.
 */
final class DataDirLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    static DataDirLock acquire(Path dataDir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            Files.setPosixFilePermissions(dataDir, PRIVATE_DIR);
        } else {
            Files.createDirectories(dataDir);
        }
        Path file = dataDir.resolve(".lock");
        FileChannel channel = posix
                ? FileChannel.open(
                        file,
                        Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ),
                        PosixFilePermissions.asFileAttribute(PRIVATE_FILE))
                : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
            channel.close();
            throw new IllegalStateException("data directory " + dataDir.toAbsolutePath()
                    + " is in use by another Vertebra node" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + "; stop that node or start this one with a different --data-dir");
        }
        if (posix) {
            makePrivate(dataDir);
        }
        channel.truncate(0);
        channel.write(
                java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)), 0);
        return new DataDirLock(channel, lock);
    }

    /** Directories 0700, files 0600, under {@code dataDir} (owned by this node: it holds the lock). */
    private static void makePrivate(Path dataDir) throws IOException {
        try (Stream<Path> all = Files.walk(dataDir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Files.setPosixFilePermissions(p, Files.isDirectory(p) ? PRIVATE_DIR : PRIVATE_FILE);
            }
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
