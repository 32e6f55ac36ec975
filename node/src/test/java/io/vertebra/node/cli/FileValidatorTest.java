package io.vertebra.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Validation problems name the file, the key and the line, in YAML streams and in JSON, against the real schemas. */
class FileValidatorTest {
    @TempDir
    Path dir;

    private final FileValidator validator = new FileValidator(SchemaCatalog.bundled());

    private List<String> findings(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return validator.validate(file).findings().stream()
                .map(f -> f.toString().substring(dir.toString().length() + 1))
                .toList();
    }

    @Test
    void yamlErrorsNameTheLineOfTheKeyInTheRightDocument() throws Exception {
        List<String> found = findings("pipeline.yaml", """
                # two connectors
                ---
                name: good
                config:
                  connector.class: io.vertebra.connect.file.sink.FileSinkConnector
                  topics: orders
                  file.path: /tmp/out.jsonl
                ---
                kind: Connector
                name: bad
                state: sleeping
                config:
                  connector.class: FileSource
                  topic: orders
                  tasks.max: "0"
                  format: xml
                  batch.sise: 10
                  errors:
                    tolerance: most
                """);
        assertEquals(
                List.of(
                        "pipeline.yaml:11:1: error: state: does not have a value in the enumeration [\"running\","
                                + " \"RUNNING\", \"paused\", \"PAUSED\", \"stopped\", \"STOPPED\"] (found \"sleeping\")",
                        "pipeline.yaml:15:3: error: config.tasks.max: must have a minimum value of 1 (found 0)",
                        "pipeline.yaml:16:3: error: config.format: must be one of line, json, csv (in any case) (found"
                                + " \"xml\")",
                        "pipeline.yaml:17:3: warning: config.batch.sise: not a key of"
                                + " io.vertebra.connect.file.source.FileSourceConnector; did you mean 'batch.size'?"
                                + " (the connector may ignore it)",
                        "pipeline.yaml:19:5: error: config.errors.tolerance: does not have a value in the enumeration"
                                + " [\"none\", \"all\"] (found \"most\")"),
                found);
    }

    @Test
    void missingRequiredKeysPointAtTheirMap() throws Exception {
        assertEquals(
                List.of("sink.yaml:2:1: error: config.file.path: required property 'file.path' not found"),
                findings("sink.yaml", "name: s\nconfig:\n  connector.class: FileSink\n  topics: t\n"));
    }

    @Test
    void jsonErrorsHaveLinesToo() throws Exception {
        assertEquals(
                List.of("c.json:5:5: error: config.tasks.max: must be a whole number (found \"two\")"),
                findings("c.json", """
                        {
                          "name": "c",
                          "config": {
                            "connector.class": "FileStreamSink",
                            "tasks.max": "two",
                            "topics": "t"
                          }
                        }
                        """));
    }

    @Test
    void placeholdersAndYamlConveniencesAreAccepted() throws Exception {
        assertEquals(List.of(), findings("ok.yaml", """
                        name: ok
                        config:
                          connector.class: io.vertebra.connect.jdbc.JdbcSinkConnector
                          connection.url: ${env:DB_URL}
                          connection.password: ${file:/secrets/db:password}
                          tasks.max: ${env:TASKS}
                          topics: [a, b]
                          transforms: [route]
                          transforms.route.type: org.apache.kafka.connect.transforms.RegexRouter
                          consumer.override:
                            max.poll.records: 100
                        """));
    }

    @Test
    void topicsAndNodeConfigsAreChecked() throws Exception {
        assertEquals(
                List.of(
                        "t.yaml:3:1: error: partitions: must have a minimum value of 1 (found 0)",
                        "t.yaml:4:1: error: replicationfactor: unknown key; did you mean 'replicationFactor'?"),
                findings("t.yaml", "kind: Topic\nname: t\npartitions: 0\nreplicationfactor: 3\n"));
        assertEquals(
                List.of(
                        "node.yaml:2:3: error: rest.port: must have a maximum value of 65535 (found 99999)",
                        "node.yaml:3:1: error: plugin.paths: unknown key; did you mean 'plugin.path'?"),
                findings("node.yaml", "rest:\n  port: 99999\nplugin.paths: ./plugins\nproducer.acks: all\n"));
    }

    @Test
    void aFileThatIsNotYamlSaysWhere() throws Exception {
        List<String> found = findings("broken.yaml", "name: x\nconfig:\n  a: [1, 2\n");
        assertEquals(1, found.size());
        assertTrue(found.get(0).startsWith("broken.yaml:3:"), found.get(0));
        assertTrue(
                found.get(0).contains("error: not valid YAML: while parsing a flow sequence; expected ','"),
                found.get(0));
    }
}
