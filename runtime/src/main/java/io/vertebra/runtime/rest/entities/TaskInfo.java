package io.vertebra.runtime.rest.entities;

import java.util.Map;

/** One element of {@code GET /connectors/{name}/tasks}. */
public record TaskInfo(ConnectorTaskId id, Map<String, String> config) {}
