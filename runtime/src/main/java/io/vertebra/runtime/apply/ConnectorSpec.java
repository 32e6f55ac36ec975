package io.vertebra.runtime.apply;

import io.vertebra.runtime.cluster.TargetState;
import java.util.List;
import java.util.Map;

/**
 * A connector as a document declares it.
 *
 * @param config the config as the worker stores it (strings, {@code name} included)
 * @param offsets offsets to start from ({@code [{"partition": {...}, "offset": {...}}]}), or null when not declared
 */
public record ConnectorSpec(
        String name, Map<String, String> config, TargetState state, List<Map<String, Object>> offsets) {
    public ConnectorSpec {
        config = Map.copyOf(config);
        offsets = offsets == null ? null : List.copyOf(offsets);
    }
}
