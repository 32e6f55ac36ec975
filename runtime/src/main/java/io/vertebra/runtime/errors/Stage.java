package io.vertebra.runtime.errors;

/** Where in a task's pipeline an operation failed; the value of the {@code __connect.errors.stage} header. */
public enum Stage {
    KEY_CONVERTER,
    VALUE_CONVERTER,
    HEADER_CONVERTER,
    TRANSFORMATION,
    TASK_PUT,
    TASK_POLL,
    KAFKA_PRODUCE,
    KAFKA_CONSUME
}
