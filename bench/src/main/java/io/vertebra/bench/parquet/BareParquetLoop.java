package io.vertebra.bench.parquet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.connect.data.Struct;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The baseline: parquet-hadoop's own example writer in a plain loop, no Connect and no sink. Each order becomes a
 * {@code SimpleGroup} and is written to local files of {@code rowsPerFile} rows, snappy, the same columns the
 * sink writes. What any program using parquet-hadoop directly would do.
 */
final class BareParquetLoop {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message order {
              required int64 id;
              required binary customer (STRING);
              required binary region (STRING);
              required int32 quantity;
              required double price;
              optional float discount;
              required boolean paid;
              required int64 created (TIMESTAMP(MILLIS,true));
              optional binary note (STRING);
              required int32 version (INTEGER(16,true));
            }
            """);

    private BareParquetLoop() {}

    /** Writes all orders on the calling thread; returns its wall-clock and CPU nanoseconds. */
    static ParquetSinkBench.Elapsed run(List<Struct> orders, Path dir, int rowsPerFile) throws IOException {
        Configuration conf = new Configuration();
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        long cpuStart = ParquetSinkBench.threadCpuNanos();
        long start = System.nanoTime();
        ParquetWriter<Group> writer = null;
        int inFile = 0;
        int file = 0;
        for (Struct order : orders) {
            if (writer == null) {
                writer = ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(
                                dir.resolve("loop-" + file++ + ".parquet").toUri()))
                        .withConf(conf)
                        .withType(SCHEMA)
                        .withCompressionCodec(CompressionCodecName.SNAPPY)
                        .build();
            }
            Group row = groups.newGroup()
                    .append("id", order.getInt64("id"))
                    .append("customer", order.getString("customer"))
                    .append("region", order.getString("region"))
                    .append("quantity", order.getInt32("quantity"))
                    .append("price", order.getFloat64("price"));
            Float discount = order.getFloat32("discount");
            if (discount != null) {
                row.append("discount", discount);
            }
            row.append("paid", order.getBoolean("paid")).append("created", ((Date) order.get("created")).getTime());
            String note = order.getString("note");
            if (note != null) {
                row.append("note", note);
            }
            row.append("version", (int) order.getInt16("version"));
            writer.write(row);
            if (++inFile == rowsPerFile) {
                writer.close();
                writer = null;
                inFile = 0;
            }
        }
        if (writer != null) {
            writer.close();
        }
        return new ParquetSinkBench.Elapsed(System.nanoTime() - start, ParquetSinkBench.threadCpuNanos() - cpuStart);
    }
}
