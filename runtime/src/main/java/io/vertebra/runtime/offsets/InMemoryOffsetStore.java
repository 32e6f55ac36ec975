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
        java.util.List<byte[][]> applied = new java.util.ArrayList<>();
        offsets.forEach((p, o) ->
                applied.add(new byte[][] {OffsetRecords.key(connector, p), OffsetRecords.value(connector, o)}));
        applied.forEach(kv -> records.apply(kv[0], kv[1]));
    }

    @Override
    public void close() {}
}
