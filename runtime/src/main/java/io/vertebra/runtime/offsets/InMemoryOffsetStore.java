package io.vertebra.runtime.offsets;

import java.util.Map;

/** The offset store's in-memory twin: the same format and folding as {@link KafkaOffsetStore}, without a topic. */
public final class InMemoryOffsetStore implements OffsetStore {
    private final OffsetRecords records = new OffsetRecords();

    @Override
    public void start() {}

    @Override
    public Map<String, Object> offset(String connector, Map<String, ?> partition) {
        return records.offset(connector, partition);
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        return records.offsets(connector);
    }

    @Override
    public void write(String connector, Map<Map<String, Object>, Map<String, Object>> offsets, long timeoutMs) {
        offsets.forEach((p, o) -> records.apply(OffsetRecords.key(connector, p), OffsetRecords.value(o)));
    }

    @Override
    public void close() {}
}
