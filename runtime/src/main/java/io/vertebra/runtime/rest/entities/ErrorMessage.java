package io.vertebra.runtime.rest.entities;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Every error body: {@code {"error_code": <http status>, "message": "..."}}. */
public record ErrorMessage(@JsonProperty("error_code") int errorCode, String message) {}
