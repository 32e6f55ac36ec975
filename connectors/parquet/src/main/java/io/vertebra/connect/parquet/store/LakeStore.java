package io.vertebra.connect.parquet.store;

import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopStreams;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * The lake: {@code <store.url>/<topics.dir>/<topic>/<directory>/<topic>+<partition>+<startOffset>.parquet} on a
 * Hadoop FileSystem. Each task opens its own FileSystem instance (not Hadoop's shared cache, whose key ignores
 * the configuration, so two connectors with different credentials would share one). Methods block on the store
 * and throw {@link IOException} when it fails; used by one task thread.
 */
public final class LakeStore implements Closeable {
    private final URI storeUrl;
    private final FileSystem fs;
    private final Path topicsRoot;
    private final CommitProtocol protocol;

    private LakeStore(URI storeUrl, FileSystem fs, Path topicsRoot) {
        this.storeUrl = storeUrl;
        this.fs = fs;
        this.topicsRoot = topicsRoot;
        this.protocol = CommitProtocol.forScheme(storeUrl.getScheme());
    }

    public static LakeStore open(URI storeUrl, String topicsDir, Configuration conf) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LakeStore.class.getClassLoader());
        try {
            FileSystem fs = FileSystem.newInstance(storeUrl, conf);
            if (fs instanceof ChecksumFileSystem checksummed) {
                // no .crc side files next to the data: readers of the lake do not expect them
                checksummed.setWriteChecksum(false);
                checksummed.setVerifyChecksum(false);
            }
            Path base = new Path(storeUrl);
            return new LakeStore(storeUrl, fs, new Path(base, topicsDir));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The store URL, for messages. */
    public URI url() {
        return storeUrl;
    }

    public CommitProtocol protocol() {
        return protocol;
    }

    public Path topicDir(String topic) {
        return new Path(topicsRoot, topic);
    }

    /** A new file for {@code name} in {@code directory} (relative to the topic's directory); nothing is written yet. */
    public PendingFile newFile(String directory, LakeFileName name) {
        Path dir = directory.isEmpty() ? topicDir(name.topic()) : new Path(topicDir(name.topic()), directory);
        Path finalPath = new Path(dir, name.fileName());
        Path writePath = protocol == CommitProtocol.RENAME
                ? new Path(dir, name.tempFileName(UUID.randomUUID().toString()))
                : finalPath;
        return new PendingFile(fs, protocol, finalPath, writePath);
    }

    /**
     * Every file under the topic's directory, at any depth; empty when the topic has none yet. Other tasks of the
     * connector publish (rename) and clean up temporary files in the same directories meanwhile: a file that goes
     * away while this lists is simply not seen. On file systems with renames (local, HDFS) this walks the
     * directories with {@code listStatus}, which tolerates that; {@code listFiles} does not (on the local file
     * system it asks a shell for each file's permissions and fails on one that is gone). Object stores list flat.
     */
    public List<FileStatus> listTopic(String topic) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        if (protocol == CommitProtocol.RENAME) {
            walk(topicDir(topic), files);
            return files;
        }
        try {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(topicDir(topic), true);
            while (it.hasNext()) {
                files.add(it.next());
            }
        } catch (FileNotFoundException e) {
            return List.of();
        }
        return files;
    }

    private void walk(Path dir, List<FileStatus> files) throws IOException {
        FileStatus[] entries;
        try {
            entries = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return; // not created yet, or removed meanwhile
        }
        for (FileStatus entry : entries) {
            if (entry.isDirectory()) {
                walk(entry.getPath(), files);
            } else {
                files.add(entry);
            }
        }
    }

    /** The key-value metadata of a Parquet file's footer. */
    public Map<String, String> footerMetadata(FileStatus file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(
                inputFile(file), ParquetReadOptions.builder().build())) {
            return reader.getFooter().getFileMetaData().getKeyValueMetaData();
        }
    }

    /** The number of records in a Parquet file, from its footer. */
    public long recordCount(FileStatus file) throws IOException {
        try (ParquetFileReader reader = ParquetFileReader.open(
                inputFile(file), ParquetReadOptions.builder().build())) {
            return reader.getRecordCount();
        }
    }

    public void delete(Path path) throws IOException {
        fs.delete(path, false);
    }

    /** Aborts S3 multipart uploads of files {@code mine} accepts under the topic's directory; 0 on other stores. */
    public int abortPendingUploads(String topic, Predicate<LakeFileName> mine) throws IOException {
        if (protocol != CommitProtocol.MULTIPART_UPLOAD) {
            return 0;
        }
        return S3PendingUploads.abort(fs, topicDir(topic), mine);
    }

    private InputFile inputFile(FileStatus status) {
        return new InputFile() {
            @Override
            public long getLength() {
                return status.getLen();
            }

            @Override
            public SeekableInputStream newStream() throws IOException {
                return HadoopStreams.wrap(fs.open(status.getPath()));
            }
        };
    }

    @Override
    public void close() throws IOException {
        fs.close();
    }
}
