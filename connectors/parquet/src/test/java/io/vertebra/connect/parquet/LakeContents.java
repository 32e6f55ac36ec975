package io.vertebra.connect.parquet;

import io.vertebra.connect.parquet.store.LakeFileName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * Reads a lake back with parquet-hadoop's own reader (the example Group model, no code of the sink): the
 * committed files by relative path, their rows and footers, and whatever else lies in the directories.
 */
final class LakeContents {
    final Map<String, List<Group>> rowsByFile = new TreeMap<>();
    final Map<String, ParquetMetadata> footers = new TreeMap<>();
    final List<String> otherFiles = new ArrayList<>();

    static LakeContents read(String rootUrl, Configuration conf) {
        LakeContents contents = new LakeContents();
        try {
            Path root = new Path(rootUrl);
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                return contents;
            }
            String prefix = fs.makeQualified(root).toString();
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                LocatedFileStatus status = files.next();
                String relative = status.getPath().toString().substring(prefix.length() + 1);
                if (LakeFileName.parse(status.getPath().getName()).isEmpty()) {
                    contents.otherFiles.add(relative);
                    continue;
                }
                List<Group> rows = new ArrayList<>();
                try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), status.getPath())
                        .withConf(conf)
                        .build()) {
                    for (Group row; (row = reader.read()) != null; ) {
                        rows.add(row);
                    }
                }
                contents.rowsByFile.put(relative, rows);
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(status, conf))) {
                    contents.footers.put(relative, reader.getFooter());
                }
            }
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LakeContents readLocal(java.nio.file.Path dir) {
        return read(dir.toUri().toString(), new Configuration());
    }

    List<Group> allRows() {
        List<Group> all = new ArrayList<>();
        rowsByFile.values().forEach(all::addAll);
        return all;
    }

    /** The {@code id} column of every row, in file order. */
    List<Long> ids() {
        return allRows().stream().map(g -> g.getLong("id", 0)).toList();
    }

    int rowCount() {
        return rowsByFile.values().stream().mapToInt(List::size).sum();
    }
}
