package io.vertebra.runtime.rest.entities;

/** Marker for the package: the REST API's request and response bodies, shaped field for field as Kafka Connect's. */
final class Entities {
    private Entities() {}
}
