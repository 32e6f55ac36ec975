package io.vertebra.runtime.rest.entities;

import java.util.List;
import java.util.Map;

/** {@code GET /connectors/{name}} and the body of create/update responses. */
public record ConnectorInfo(String name, Map<String, String> config, List<ConnectorTaskId> tasks, String type) {}
