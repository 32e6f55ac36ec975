package io.vertebra.runtime.rest.entities;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code GET /}. {@code version} is the Kafka Connect API level Vertebra implements (X.Y.Z, parsed by kcctl). */
public record ServerInfo(
        String version,
        String commit,
        @JsonProperty("kafka_cluster_id") String kafkaClusterId) {}
