package io.vertebra.connect.file.sink;

import java.io.IOException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes one record's value into an output file, including its line end. One instance per task thread. */
interface RecordFormat {
    void write(SinkRecord record, OutputFile out) throws IOException;
}
