package io.vertebra.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.cluster.InMemoryConfigStore;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.worker.WorkerContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Before the worker has read its config topic, the service says so instead of answering from an empty snapshot
 * ("no connectors") or failing inside the store: a retriable error the REST API turns into 503.
 */
class ConnectServiceStartingTest {
    @Test
    void answersAndWritesWaitForTheConfigTopic() {
        InMemoryConfigStore store = new InMemoryConfigStore();
        ConnectService service =
                new ConnectService(new WorkerContext("w1", null, null, null, store, null, null, null, null), "c");
        WorkerStartingException e = assertThrows(WorkerStartingException.class, service::connectors);
        assertTrue(e.getMessage().contains("GET /ready"), e.getMessage());
        assertThrows(
                WorkerStartingException.class,
                () -> service.create("x", Map.of("connector.class", "FileSource"), TargetState.STARTED));
        store.start(new io.vertebra.runtime.cluster.ConfigStore.Listener() {
            @Override
            public void onConfigChange(io.vertebra.runtime.cluster.ClusterConfig config) {}

            @Override
            public void onRestartRequest(io.vertebra.runtime.cluster.RestartRequest request) {}
        });
        assertEquals(List.of(), service.connectors());
    }
}
