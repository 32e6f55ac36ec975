package io.vertebra.runtime.rest.entities;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One element of {@code GET /connector-plugins}; {@code version} is omitted when the plugin reports none. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PluginInfo(@JsonProperty("class") String className, String type, String version) {}
