package io.vertebra.runtime.apply;

import java.util.List;

/** Everything a set of documents declares, in document order. */
public record DesiredState(List<ConnectorSpec> connectors, List<TopicSpec> topics) {
    public DesiredState {
        connectors = List.copyOf(connectors);
        topics = List.copyOf(topics);
    }
}
