package io.vertebra.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryConfigStoreTest {
    @Test
    void connectorsTasksStatesAndRestartsFoldLikeTheTopic() {
        InMemoryConfigStore store = new InMemoryConfigStore();
        List<RestartRequest> restarts = new ArrayList<>();
        List<ClusterConfig> changes = new ArrayList<>();
        store.start(new ConfigStore.Listener() {
            @Override
            public void onConfigChange(ClusterConfig config) {
                changes.add(config);
            }

            @Override
            public void onRestartRequest(RestartRequest request) {
                restarts.add(request);
            }
        });
        store.putConnectorConfig("a", Map.of("name", "a"), TargetState.PAUSED);
        store.putTaskConfigs("a", List.of(Map.of("k", "v"), Map.of("k", "w")));
        assertEquals(TargetState.PAUSED, store.snapshot().targetState("a"));
        assertEquals(2, store.snapshot().allTasks().size());
        store.putTargetState("a", TargetState.STOPPED);
        assertEquals(0, store.snapshot().allTasks().size(), "a stopped connector has no tasks to assign");
        store.requestRestart(new RestartRequest("a", -1, true, false));
        assertEquals(List.of(new RestartRequest("a", -1, true, false)), restarts);
        store.removeConnector("a");
        assertFalse(store.snapshot().contains("a"));
        assertEquals(0, store.snapshot().tasks("a").size());
    }
}
