package io.vertebra.connect.parquet.writer;

import io.vertebra.connect.parquet.format.ConnectWriteSupport;
import io.vertebra.connect.parquet.store.CommitFooter;
import io.vertebra.connect.parquet.store.PendingFile;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.connect.data.Schema;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.OutputFile;

/** One Parquet file being written for one directory of one topic partition. Task thread only. */
final class OpenFile {
    private final PendingFile file;
    private final ConnectWriteSupport support;
    private final ParquetWriter<Object> writer;

    private OpenFile(PendingFile file, ConnectWriteSupport support, ParquetWriter<Object> writer) {
        this.file = file;
        this.support = support;
        this.writer = writer;
    }

    static OpenFile create(PendingFile file, Schema schema, WriterSettings settings) throws IOException {
        ConnectWriteSupport support = new ConnectWriteSupport(schema);
        ParquetWriter<Object> writer = new Builder(file, support)
                .withConf(settings.hadoopConf())
                .withCompressionCodec(settings.codec())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
        return new OpenFile(file, support, writer);
    }

    void write(Object value) throws IOException {
        writer.write(value);
    }

    /** Writes the footer (with the commit's description) and closes the file; not yet visible for RENAME. */
    void close(CommitFooter commit) throws IOException {
        support.footerMetadata(commit.toMetadata());
        writer.close();
    }

    void publish() throws IOException {
        file.publish();
    }

    /** Drops the file without publishing it; never throws. */
    void abort() {
        file.abort();
    }

    private static final class Builder extends ParquetWriter.Builder<Object, Builder> {
        private final ConnectWriteSupport support;

        Builder(OutputFile file, ConnectWriteSupport support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object> getWriteSupport(Configuration conf) {
            return support;
        }
    }
}
