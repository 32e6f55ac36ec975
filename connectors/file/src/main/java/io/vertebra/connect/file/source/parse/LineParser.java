package io.vertebra.connect.file.source.parse;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;

/** The event as it is: a string value with the STRING schema (what Kafka's FileStreamSource produces). */
public final class LineParser implements EventParser {
    @Override
    public SchemaAndValue parse(String event) {
        return new SchemaAndValue(Schema.STRING_SCHEMA, event);
    }
}
