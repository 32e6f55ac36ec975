/** The REST API's request and response bodies as records, shaped field for field as Kafka Connect's. */
package io.vertebra.runtime.rest.entities;
