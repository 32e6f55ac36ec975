package io.vertebra.connect.file.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The value as a line of text: strings as they are (what Kafka's FileStreamSink writes), bytes as UTF-8 text, other
 * values (structs, maps, numbers) as JSON, null as an empty line. A value that contains newlines spans lines.
 */
final class LineFormat implements RecordFormat {
    private static final byte[] NEWLINE = {'\n'};
    private final JsonFormat json = new JsonFormat();

    @Override
    public void write(SinkRecord record, OutputFile out) throws IOException {
        Object value = record.value();
        if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
            out.write(NEWLINE, 0, 1);
        } else if (value instanceof byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            out.write(NEWLINE, 0, 1);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            out.write(bytes, 0, bytes.length);
            out.write(NEWLINE, 0, 1);
        } else if (value == null) {
            out.write(NEWLINE, 0, 1);
        } else {
            json.write(record, out);
        }
    }
}
