package io.vertebra.node.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** {@code -o table|json|yaml}: human tables by default, JSON or YAML for scripts; a picocli mixin. */
public final class OutputOptions {
    public enum Format {
        table,
        json,
        yaml
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default table).")
    Format format = Format.table;

    public boolean human() {
        return format == Format.table;
    }

    /** Prints {@code value} as JSON or YAML; returns false for the table format (the caller prints a table). */
    public boolean print(Object value, PrintStream out) {
        try {
            switch (format) {
                case json -> out.println(JSON.writeValueAsString(value));
                case yaml -> out.print(YAML.writeValueAsString(value));
                default -> {
                    return false;
                }
            }
        } catch (JsonProcessingException e) {
            throw new CliException("cannot print the result: " + e.getOriginalMessage());
        }
        out.flush();
        return true;
    }
}
