package io.vertebra.runtime.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fields an apply document may have: its kind's own, plus the {@code $schema} an editor reads. */
class DocumentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void aSchemaReferenceIsAllowedAndIgnored() throws Exception {
        DesiredState state = Documents.parse(List.of(
                json("{\"$schema\":\"../schemas/apply.schema.json\",\"name\":\"c\","
                        + "\"config\":{\"connector.class\":\"FileSource\"}}"),
                json("{\"$schema\":\"x\",\"kind\":\"Topic\",\"name\":\"t\",\"partitions\":2}")));
        assertEquals(1, state.connectors().size());
        assertEquals(1, state.topics().size());
    }

    @Test
    void otherUnknownFieldsAreErrorsNamingThem() throws Exception {
        RuntimeException e = assertThrows(
                RuntimeException.class,
                () -> Documents.parse(List.of(
                        json("{\"name\":\"c\",\"confg\":{},\"config\":{\"connector.class\":\"FileSource\"}}"))));
        assertTrue(e.getMessage().contains("unknown field 'confg'"), e.getMessage());
    }
}
