package io.vertebra.runtime.rest.entities;

/** {@code {"connector": "name", "task": 0}}. */
public record ConnectorTaskId(String connector, int task) {}
