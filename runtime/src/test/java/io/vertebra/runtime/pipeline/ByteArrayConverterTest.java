package io.vertebra.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ByteArrayConverterTest {
    private final ByteArrayConverter converter = new ByteArrayConverter();

    @Test
    void bytesPassThroughUnchanged() {
        byte[] bytes = {0, 1, (byte) 0xFF};
        assertArrayEquals(bytes, converter.fromConnectData("t", Schema.BYTES_SCHEMA, bytes));
        assertArrayEquals(bytes, converter.fromConnectData("t", null, ByteBuffer.wrap(bytes)));
        assertEquals(
                Schema.OPTIONAL_BYTES_SCHEMA,
                converter.toConnectData("t", bytes).schema());
        assertArrayEquals(bytes, (byte[]) converter.toConnectData("t", bytes).value());
    }

    @Test
    void otherSchemasAreRefusedNamingTheTopic() {
        DataException e =
                assertThrows(DataException.class, () -> converter.fromConnectData("orders", Schema.STRING_SCHEMA, "x"));
        assertEquals(true, e.getMessage().contains("orders"), e.getMessage());
    }
}
