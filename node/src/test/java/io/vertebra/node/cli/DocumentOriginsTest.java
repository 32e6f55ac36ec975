package io.vertebra.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node names documents by place or by name; the CLI turns that into file and line. */
class DocumentOriginsTest {
    @Test
    void namesTheFileAndLineOfTheDocumentAMessageIsAbout() throws Exception {
        List<LocatedYaml.Document> sent = new ArrayList<>();
        sent.addAll(LocatedYaml.parse(Path.of("topics.yaml"), "kind: Topic\nname: orders\n", false));
        sent.addAll(LocatedYaml.parse(
                Path.of("connectors.yaml"),
                "name: a\nconfig:\n  connector.class: X\n---\nname: b\nconfig:\n  connector.class: Y\n",
                false));
        DocumentOrigins origins = new DocumentOrigins(sent);
        assertEquals(
                "The documents have 1 problem(s):\nconnectors.yaml:5: document 3 (b): unknown field 'x'",
                origins.locate("The documents have 1 problem(s):\ndocument 3 (b): unknown field 'x'"));
        assertEquals(
                "connectors.yaml:1: connector 'a': Failed to find any class that implements Connector",
                origins.locate("connector 'a': Failed to find any class that implements Connector"));
        assertEquals(
                "topics.yaml:1: topic 'orders' has 3 partitions", origins.locate("topic 'orders' has 3 partitions"));
        assertEquals("pruning topic 'gone' would delete", origins.locate("pruning topic 'gone' would delete"));
    }
}
