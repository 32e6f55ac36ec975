package io.vertebra.runtime.offsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetRecordsTest {
    @Test
    void keysAreKafkaConnectsFormatWithSortedMaps() {
        byte[] key = OffsetRecords.key("file-in", Map.of("z", 1, "filename", "/tmp/a"));
        assertEquals("[\"file-in\",{\"filename\":\"/tmp/a\",\"z\":1}]", new String(key, StandardCharsets.UTF_8));
    }

    @Test
    void theInMemoryTwinRoundTripsAndDeletes() {
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        store.write("c", Map.of(Map.of("file", "a"), Map.of("position", 5L)), 1000);
        assertEquals(Map.of("position", 5), store.offset("c", Map.of("file", "a")));
        java.util.HashMap<Map<String, Object>, Map<String, Object>> delete = new java.util.HashMap<>();
        delete.put(Map.of("file", "a"), null);
        store.write("c", delete, 1000);
        assertNull(store.offset("c", Map.of("file", "a")));
    }
}
