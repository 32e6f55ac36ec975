package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.apply.Documents;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vertebra export}: the cluster's connectors (and with {@code --all} its topics) as apply documents, a YAML
 * stream that {@code vertebra apply -f} accepts unchanged: applying it right away plans no change. Secrets show as
 * {@code [hidden]}, which apply reads as "keep the stored value".
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = "Print connectors (and with --all topics) as apply documents: vertebra export > f.yaml;"
                + " vertebra apply -f f.yaml plans no change.")
public final class ExportCommand implements Callable<Integer> {
    /** Topics the node and its worker keep for themselves under their default names: never exported. */
    static final Set<String> INTERNAL_TOPICS =
            Set.of("connect-configs", "connect-offsets", "connect-status", "vertebra-apply");

    @Mixin
    RestOptions rest;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--all", description = "Every topic too (except internal ones).")
    boolean all;

    @Option(
            names = "--set",
            paramLabel = "NAME",
            description = "Only the connectors and topics apply set NAME manages.")
    String set;

    @Parameters(paramLabel = "CONNECTOR", arity = "0..*", description = "Only these connectors (default: all).")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() {
        RestClient client = rest.client();
        JsonNode connectors = client.get("/connectors?expand=status&expand=info");
        Set<String> wantedConnectors = new TreeSet<>();
        Set<String> wantedTopics = new TreeSet<>();
        if (set != null) {
            JsonNode inventory = client.get("/apply/sets").path(set);
            if (inventory.isMissingNode()) {
                throw new CliException("no apply set '" + set + "'; vertebra export --all shows everything");
            }
            inventory.path("connectors").forEach(n -> wantedConnectors.add(n.asText()));
            inventory.path("topics").forEach(n -> wantedTopics.add(n.asText()));
        } else if (!names.isEmpty()) {
            wantedConnectors.addAll(names);
        } else {
            connectors.fieldNames().forEachRemaining(wantedConnectors::add);
        }
        List<JsonNode> documents = new ArrayList<>();
        if (all || !wantedTopics.isEmpty()) {
            documents.addAll(topics(all ? null : wantedTopics));
        }
        for (String name : wantedConnectors) {
            JsonNode c = connectors.path(name);
            if (c.isMissingNode()) {
                if (set == null) {
                    throw new CliException("connector " + name + " not found; vertebra connectors list shows them");
                }
                continue; // the inventory still names a connector deleted by hand
            }
            documents.add(connectorDocument(c.path("info"), c.path("status")));
        }
        print(documents, System.out);
        return 0;
    }

    /** A YAML stream of documents, with a header that says how secrets read. */
    static void print(List<JsonNode> documents, PrintStream out) {
        out.println("# vertebra export: apply with vertebra apply -f FILE; [hidden] keeps the stored secret");
        for (JsonNode d : documents) {
            out.println("---");
            try {
                out.print(OutputOptions.YAML.writeValueAsString(d));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CliException("cannot print the documents: " + e.getOriginalMessage());
            }
        }
        out.flush();
    }

    /**
     * A connector as an apply document, from {@code GET /connectors/NAME} and its status: kind, name, config (without
     * the name, which the document carries), and its state (the target state the status shows; running otherwise).
     */
    static ObjectNode connectorDocument(JsonNode info, JsonNode status) {
        ObjectNode doc = RestClient.JSON.createObjectNode();
        doc.put(Documents.KIND, Documents.CONNECTOR);
        doc.put(Documents.NAME, info.path("name").asText());
        ObjectNode config = doc.putObject(Documents.CONFIG);
        new TreeMap<String, JsonNode>(toMap(info.path("config"))).forEach((k, v) -> {
            if (!k.equals(Documents.NAME)) {
                config.put(k, v.asText());
            }
        });
        String state = switch (status.path("connector").path("state").asText()) {
            case "PAUSED" -> "paused";
            case "STOPPED" -> "stopped";
            default -> "running";
        };
        doc.put(Documents.STATE, state);
        return doc;
    }

    private static Map<String, JsonNode> toMap(JsonNode object) {
        Map<String, JsonNode> map = new TreeMap<>();
        object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    /** Topic documents: every non-internal topic ({@code only} null) or those named. */
    private List<JsonNode> topics(Set<String> only) {
        List<JsonNode> out = new ArrayList<>();
        try (Admin admin = kafka.admin()) {
            Set<String> names = new TreeSet<>(kafka.get(admin.listTopics().names(), "list topics"));
            if (only != null) {
                names.retainAll(only);
            } else {
                names.removeIf(t -> t.startsWith("_") || INTERNAL_TOPICS.contains(t));
            }
            if (names.isEmpty()) {
                return out;
            }
            Map<String, TopicDescription> descriptions =
                    kafka.get(admin.describeTopics(names).allTopicNames(), "describe topics");
            List<ConfigResource> resources = new ArrayList<>();
            names.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
            Map<ConfigResource, Config> configs =
                    kafka.get(admin.describeConfigs(resources).all(), "describe the topics' configs");
            for (String name : names) {
                TopicDescription d = descriptions.get(name);
                ObjectNode doc = RestClient.JSON.createObjectNode();
                doc.put(Documents.KIND, Documents.TOPIC);
                doc.put(Documents.NAME, name);
                doc.put(Documents.PARTITIONS, d.partitions().size());
                doc.put(
                        Documents.REPLICATION_FACTOR,
                        d.partitions().isEmpty()
                                ? 1
                                : d.partitions().get(0).replicas().size());
                Map<String, String> own = new TreeMap<>();
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                if (config != null) {
                    for (ConfigEntry e : config.entries()) {
                        // only what is set on the topic: apply compares (and resets) exactly these
                        if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && e.value() != null) {
                            own.put(e.name(), e.value());
                        }
                    }
                }
                if (!own.isEmpty()) {
                    ObjectNode c = doc.putObject(Documents.CONFIGS);
                    own.forEach(c::put);
                }
                out.add(doc);
            }
        }
        return out;
    }
}
