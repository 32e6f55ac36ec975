package io.vertebra.log.controller;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log of a single-node cluster: a file of appended batches plus a snapshot.
 *
 * <pre>
 * meta/metadata.log   one line per append (a batch of records, applied all or none):
 *                     &lt;batch index&gt; TAB &lt;CRC32C of the JSON, hex&gt; TAB &lt;JSON array of records&gt; LF
 * meta/snapshot.json  the whole image as JSON ({@link MetadataImage.Snapshot}), replaced atomically
 * </pre>
 *
 * Every append is fsynced before its future completes. On start the snapshot is loaded and the log lines after
 * it replayed; a torn last line (crash mid-write: missing LF, CRC mismatch) is dropped, the only thing a crash
 * can leave. After {@value #SNAPSHOT_EVERY} batches the image is snapshotted and the log emptied, so start-up
 * time stays flat. All work runs on one thread ("metadata-log"), which also calls the listener.
 *
 * <p>The metadata holds the node secret, so on POSIX file systems the directory is {@code 0700} and both files
 * {@code 0600}.
 */
public final class LocalMetadataLog implements MetadataLog {
    private static final Logger log = LoggerFactory.getLogger(LocalMetadataLog.class);
    static final int SNAPSHOT_EVERY = 1000;

    private final Path dir;
    private final Path logFile;
    private final Path snapshotFile;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "metadata-log"));
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private MetadataListener listener;
    private FileChannel out;
    private int batchesSinceSnapshot;

    public LocalMetadataLog(Path dir) {
        this.dir = dir;
        this.logFile = dir.resolve("metadata.log");
        this.snapshotFile = dir.resolve("snapshot.json");
    }

    @Override
    public void start(MetadataListener listener) throws IOException {
        this.listener = listener;
        try {
            thread.submit(() -> {
                        replay();
                        return null;
                    })
                    .get();
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw cause instanceof IOException io ? io : new IOException("cannot load the metadata log", cause);
        }
    }

    private void replay() throws IOException {
        createPrivateDirectory(dir);
        MetadataImage loaded = MetadataImage.EMPTY;
        if (Files.exists(snapshotFile)) {
            loaded = MetadataImage.fromSnapshot(
                    MetadataJson.read(Files.readAllBytes(snapshotFile), MetadataImage.Snapshot.class));
        }
        long validBytes = 0;
        if (Files.exists(logFile)) {
            byte[] bytes = Files.readAllBytes(logFile);
            int lineStart = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                Parsed parsed = parse(line);
                if (parsed == null) {
                    break;
                }
                if (parsed.index > loaded.offset()) {
                    for (MetadataRecord record : parsed.records) {
                        loaded = loaded.apply(record, parsed.index);
                    }
                    batchesSinceSnapshot++;
                }
                validBytes = i + 1;
                lineStart = i + 1;
            }
            if (validBytes < bytes.length) {
                log.warn("dropping {} bytes of a torn last entry in {}", bytes.length - validBytes, logFile);
            }
        }
        out = FileChannel.open(logFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        makePrivate(logFile);
        out.truncate(validBytes);
        out.position(validBytes);
        publish(loaded);
    }

    private record Parsed(long index, List<MetadataRecord> records) {}

    private static Parsed parse(String line) {
        String[] fields = line.split("\t", 3);
        if (fields.length != 3) {
            return null;
        }
        try {
            byte[] json = fields[2].getBytes(StandardCharsets.UTF_8);
            CRC32C crc = new CRC32C();
            crc.update(json);
            if (!Long.toHexString(crc.getValue()).equals(fields[1])) {
                return null;
            }
            MetadataRecord[] records = MetadataJson.read(json, MetadataRecord[].class);
            return new Parsed(Long.parseLong(fields[0]), List.of(records));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public CompletableFuture<MetadataImage> append(List<MetadataRecord> records) {
        CompletableFuture<MetadataImage> done = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    done.complete(write(records));
                } catch (Throwable t) {
                    done.completeExceptionally(t);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(new IllegalStateException("the metadata log is closed"));
        }
        return done;
    }

    private MetadataImage write(List<MetadataRecord> records) throws IOException {
        long index = image.offset() + 1;
        byte[] json = MetadataJson.write(records.toArray(new MetadataRecord[0]));
        CRC32C crc = new CRC32C();
        crc.update(json);
        String line = index + "\t" + Long.toHexString(crc.getValue()) + "\t" + new String(json, StandardCharsets.UTF_8)
                + "\n";
        ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        out.force(false);
        MetadataImage next = image;
        for (MetadataRecord record : records) {
            next = next.apply(record, index);
        }
        publish(next);
        if (++batchesSinceSnapshot >= SNAPSHOT_EVERY) {
            snapshot();
        }
        return next;
    }

    private void publish(MetadataImage next) {
        MetadataImage previous = image;
        image = next;
        try {
            listener.onImage(previous, next);
        } catch (RuntimeException e) {
            log.error("metadata listener failed on image {}", next.offset(), e);
        }
    }

    private void snapshot() throws IOException {
        Path tmp = dir.resolve("snapshot.json.tmp");
        Files.write(tmp, MetadataJson.write(image.toSnapshot()));
        makePrivate(tmp);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, snapshotFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        CheckpointFile.forceDirectory(dir);
        out.truncate(0);
        out.position(0);
        out.force(true);
        batchesSinceSnapshot = 0;
    }

    /** Creates {@code dir} (and parents) and narrows it to {@code 0700} where the file system has POSIX rights. */
    static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static void makePrivate(Path file) throws IOException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            if (out != null) {
                out.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
