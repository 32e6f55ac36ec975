package io.vertebra.connect.file.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertebra.connect.file.json.ConnectJsonWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.connect.sink.SinkRecord;

/** The value as one line of JSON (see {@link ConnectJsonWriter} for how Connect types map to JSON). */
final class JsonFormat implements RecordFormat {
    private static final JsonFactory FACTORY = new JsonFactory();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    private final JsonGenerator generator;

    JsonFormat() {
        try {
            generator = FACTORY.createGenerator(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        generator.setRootValueSeparator(null);
    }

    @Override
    public void write(SinkRecord record, OutputFile out) throws IOException {
        bytes.reset();
        ConnectJsonWriter.write(generator, record.valueSchema(), record.value());
        generator.flush();
        bytes.write('\n');
        bytes.writeTo(out.stream());
    }
}
