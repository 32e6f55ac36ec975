package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * What can be checked of {@code docker/} without a Docker engine (none runs on the build machines): the compose
 * file parses and every path it names exists; the Dockerfile's build context holds what it copies and the build
 * stage produces what the run stage copies; the node commands of the compose file and the image's default command
 * are accepted by the node's own command line parser and form a consistent cluster; the node configs it mounts hold
 * only settings a node knows; Prometheus scrapes the nodes' REST ports; Grafana's provisioning finds its dashboard.
 */
class DockerStackIT {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path ROOT = ProjectLayout.root();
    private static final Path DOCKER = ROOT.resolve("docker");

    /** The compose file as Docker Compose reads it: SnakeYAML resolves its {@code <<: *anchor} merge keys. */
    private static JsonNode compose() throws IOException {
        Object tree = new org.yaml.snakeyaml.Yaml().load(Files.readString(DOCKER.resolve("compose.yaml")));
        return new ObjectMapper().valueToTree(tree);
    }

    private static Map<String, JsonNode> vertebraNodes(JsonNode compose) {
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        compose.get("services").fields().forEachRemaining(e -> {
            if (e.getValue().path("image").asText().startsWith("vertebra")) {
                nodes.put(e.getKey(), e.getValue());
            }
        });
        return nodes;
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(item -> out.add(item.asText()));
        return out;
    }

    @Test
    void everyPathTheComposeFileNamesExists() throws IOException {
        JsonNode compose = compose();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode build = service.getValue().get("build");
            if (build != null) {
                Path context = DOCKER.resolve(build.get("context").asText()).normalize();
                Path dockerfile = context.resolve(build.get("dockerfile").asText());
                checked += 2;
                if (!Files.isDirectory(context)) {
                    missing.add(service.getKey() + ": build context " + context);
                }
                if (!Files.isRegularFile(dockerfile)) {
                    missing.add(service.getKey() + ": dockerfile " + dockerfile);
                }
            }
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    checked++;
                    if (!Files.exists(DOCKER.resolve(source).normalize())) {
                        missing.add(service.getKey() + ": mounted " + source);
                    }
                } else if (!compose.path("volumes").has(source)) {
                    missing.add(service.getKey() + ": named volume " + source + " is not declared under volumes:");
                }
            }
        }
        assertTrue(missing.isEmpty(), "docker/compose.yaml names what does not exist: " + missing);
        assertTrue(checked >= 12, "build contexts, dockerfiles and mounted files checked: " + checked);
        for (String service : List.of("postgres", "minio", "kafka-ui", "prometheus", "grafana")) {
            assertTrue(compose.get("services").has(service), service);
        }
        assertEquals(3, vertebraNodes(compose).size());
        assertTrue(
                strings(compose.at("/services/postgres/command")).contains("wal_level=logical"),
                "PostgreSQL with logical decoding");
        assertEquals(
                "[\"monitoring\"]", compose.at("/services/prometheus/profiles").toString());
        assertEquals(
                "[\"monitoring\"]", compose.at("/services/grafana/profiles").toString());
    }

    /** The sources of the Dockerfile's COPY instructions: from the build context, or (--from) from the build stage. */
    private record Copy(boolean fromStage, List<String> sources) {}

    private static List<Copy> copies(List<String> dockerfile) {
        List<Copy> out = new ArrayList<>();
        for (String line : dockerfile) {
            String trimmed = line.trim();
            if (!trimmed.startsWith("COPY ")) {
                continue;
            }
            List<String> words =
                    new ArrayList<>(List.of(trimmed.substring(5).trim().split("\\s+")));
            boolean fromStage = false;
            while (words.get(0).startsWith("--")) {
                fromStage |= words.remove(0).startsWith("--from=");
            }
            out.add(new Copy(fromStage, words.subList(0, words.size() - 1)));
        }
        return out;
    }

    @Test
    void theBuildContextHoldsWhatTheDockerfileCopies() throws IOException {
        List<String> dockerfile = Files.readAllLines(DOCKER.resolve("Dockerfile"));
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore"));
        List<Copy> copies = copies(dockerfile);
        List<String> problems = new ArrayList<>();
        int fromContext = 0;
        int fromStage = 0;
        for (Copy copy : copies) {
            for (String source : copy.sources()) {
                if (copy.fromStage()) {
                    // the build stage works in /src on a copy of this tree: what it copies out exists after a build
                    fromStage++;
                    assertTrue(source.startsWith("/src/"), source);
                    if (!Files.exists(ROOT.resolve(source.substring("/src/".length())))) {
                        problems.add("the build stage does not produce " + source);
                    }
                } else {
                    fromContext++;
                    if (!Files.exists(ROOT.resolve(source))) {
                        problems.add("not in the build context: " + source);
                    } else if (ignored(source, ignore)) {
                        problems.add("excluded by Dockerfile.dockerignore: " + source);
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), problems.toString());
        assertTrue(fromContext >= 10 && fromStage >= 4, "COPY sources checked: " + copies);

        String text = String.join("\n", dockerfile);
        assertTrue(text.contains("FROM eclipse-temurin:17-jdk AS build"), "builds on a JDK 17 image");
        assertTrue(text.contains("./mvnw"), "builds with the Maven wrapper");
        assertTrue(
                Pattern.compile("(?m)^FROM eclipse-temurin:17-jre$")
                        .matcher(text)
                        .find(),
                "runs on a JRE 17 image");
        assertTrue(Pattern.compile("(?m)^USER vertebra$").matcher(text).find(), "runs as a non-root user");
        assertTrue(text.contains("VOLUME [\"/var/lib/vertebra\"]"), "the data directory is a volume");
        assertTrue(text.contains("/opt/vertebra/plugins"), "the plugins directory is in the image");
        assertTrue(text.contains("GET /health"), "HEALTHCHECK asks /health");
        for (String port : List.of("9092", "8083")) {
            assertTrue(
                    Pattern.compile("(?m)^EXPOSE .*\\b" + port + "\\b")
                            .matcher(text)
                            .find(),
                    port);
        }
        assertFalse(
                Pattern.compile("(?m)^EXPOSE .*\\b9093\\b").matcher(text).find(),
                "the controller port is not exposed: only the other nodes may reach it");
    }

    /** Dockerfile.dockerignore semantics for the forms used there: {@code dir/}, {@code /x/*}, {@code **}, {@code !}. */
    private static boolean ignored(String path, List<String> patterns) {
        boolean ignored = false;
        for (String raw : patterns) {
            String pattern = raw.trim();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean negate = pattern.startsWith("!");
            pattern = pattern.replaceFirst("^!", "").replaceFirst("^/", "").replaceFirst("/$", "");
            String regex = pattern.replace(".", "\\.")
                    .replace("**/", "@ANY@")
                    .replace("*", "[^/]*")
                    .replace("@ANY@", "(.*/)?");
            if (Pattern.compile(regex + "(/.*)?")
                    .matcher(path.replaceFirst("/$", ""))
                    .matches()) {
                ignored = !negate;
            }
        }
        return ignored;
    }

    @Test
    void theNodeCommandsParseAndFormOneCluster() throws IOException {
        JsonNode compose = compose();
        Map<String, JsonNode> nodes = vertebraNodes(compose);
        Set<String> bootstrap = new LinkedHashSet<>();
        Set<Integer> ids = new LinkedHashSet<>();
        String quorum = null;
        for (Map.Entry<String, JsonNode> node : nodes.entrySet()) {
            List<String> args = strings(node.getValue().get("command"));
            ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
            assertTrue(parsed.hasSubcommand(), args.toString());
            ParseResult start = parsed.subcommand();
            assertEquals("start", start.commandSpec().name(), args.toString());
            StartCommand command = (StartCommand) start.commandSpec().userObject();
            assertEquals(node.getKey(), command.host, "--host is the service name other containers reach");
            assertEquals(node.getKey(), node.getValue().get("hostname").asText());
            assertTrue(ids.add(command.nodeId), "node ids differ: " + ids);
            quorum = quorum == null ? command.cluster : quorum;
            assertEquals(quorum, command.cluster, "every node lists the same controllers");

            // read the mounted file from where it lies in docker/; the flags win over it, as at run time
            Path mounted = mountedHostPath(node.getValue(), command.configFile.toString());
            command.configFile = mounted;
            NodeConfig config = new NodeConfig(command.effectiveConfig());
            assertEquals("0.0.0.0", config.bindHost(), "a node advertising a service name binds every interface");
            assertEquals(
                    "true",
                    config.passThrough().get("rest.unauthenticated.remote.access"),
                    "without REST users, a node binding every interface starts only when this allows it");
            assertEquals("/var/lib/vertebra", config.dataDir().toString(), "data in the image's volume");
            assertEquals(8083, config.restPort(), "REST where the HEALTHCHECK and Prometheus look");
            bootstrap.add(command.host + ":" + config.kafkaPort());
            assertTrue(
                    strings(node.getValue().get("ports")).contains(config.kafkaPort() + ":" + config.kafkaPort()),
                    "the Kafka port is published as advertised: "
                            + node.getValue().get("ports"));
            assertKnownKeys(mounted);
        }
        List<String> voters = new ArrayList<>();
        for (String entry : quorum.split(",")) {
            Matcher m = Pattern.compile("(\\d+)@([^:]+):(\\d+)").matcher(entry);
            assertTrue(m.matches(), entry);
            assertTrue(nodes.containsKey(m.group(2)), "controller " + entry + " is a compose service");
            voters.add(m.group(1));
        }
        assertEquals(ids.stream().map(String::valueOf).toList(), voters, "one controller per node, same ids");
        for (String entry : quorum.split(",")) {
            String controllerPort = entry.substring(entry.lastIndexOf(':') + 1);
            for (JsonNode node : nodes.values()) {
                for (String published : strings(node.get("ports"))) {
                    assertFalse(
                            published.matches("(.*:)?" + controllerPort + "(:.*)?(/tcp)?"),
                            "the controller port " + controllerPort + " is not published to the host: " + published);
                }
            }
        }
        assertEquals(
                String.join(",", bootstrap),
                compose.at("/services/kafka-ui/environment/KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS")
                        .asText(),
                "Kafka UI bootstraps from every node");
        String connect = compose.at("/services/kafka-ui/environment/KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS")
                .asText();
        assertTrue(connect.matches("http://vertebra-\\d:8083"), "Kafka UI uses Vertebra's Connect REST: " + connect);
    }

    @Test
    void theImageDefaultCommandParses() throws IOException {
        String text = Files.readString(DOCKER.resolve("Dockerfile"));
        Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)\\]$").matcher(text);
        assertTrue(cmd.find(), "the Dockerfile has an exec-form CMD");
        List<String> args = new ArrayList<>();
        for (String word : cmd.group(1).split(",")) {
            args.add(word.trim().replaceAll("^\"|\"$", ""));
        }
        ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
        StartCommand command = (StartCommand) parsed.subcommand().commandSpec().userObject();
        Matcher copied = Pattern.compile(
                        "(?m)^COPY (docker/\\S+) " + Pattern.quote(command.configFile.toString()) + "$")
                .matcher(text);
        assertTrue(copied.find(), "the config file of the default command is copied into the image");
        Path config = ROOT.resolve(copied.group(1));
        NodeConfig node = new NodeConfig(NodeConfig.read(config));
        assertEquals("0.0.0.0", node.bindHost(), "reachable through published ports");
        assertEquals(
                "true",
                node.passThrough().get("rest.unauthenticated.remote.access"),
                "without REST users, a node binding every interface starts only when this allows it");
        assertEquals("/opt/vertebra/plugins", node.pluginPath());
        assertKnownKeys(config);
        assertTrue(text.contains(
                "ENTRYPOINT [\"java\", \"-Dvertebra.home=/opt/vertebra\", \"-jar\", \"/opt/vertebra/vertebra.jar\"]"));
    }

    private static Path mountedHostPath(JsonNode service, String containerPath) {
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (parts.length >= 2 && parts[1].equals(containerPath)) {
                return DOCKER.resolve(parts[0]).normalize();
            }
        }
        fail("no volume mounts " + containerPath + " into " + service);
        return null;
    }

    /** Every key of a node config file is a node, broker or worker setting (a typo would be silently ignored). */
    private static void assertKnownKeys(Path file) {
        Set<String> unknown = new LinkedHashSet<>();
        for (String key : NodeConfig.read(file).keySet()) {
            if (!NodeConfig.DEFINITION.names().contains(key)
                    && !BrokerConfig.names().contains(key)
                    && !WorkerConfig.isWorkerKey(key)) {
                unknown.add(key);
            }
        }
        assertTrue(unknown.isEmpty(), file + " holds settings no part of a node knows: " + unknown);
    }

    @Test
    void prometheusAndGrafanaFindTheNodesAndTheDashboard() throws IOException {
        JsonNode compose = compose();
        JsonNode prometheus =
                YAML.readTree(DOCKER.resolve("prometheus/prometheus.yml").toFile());
        JsonNode job = prometheus.at("/scrape_configs/0");
        assertEquals("/metrics", job.get("metrics_path").asText());
        List<String> targets = strings(job.at("/static_configs/0/targets"));
        List<String> expected = vertebraNodes(compose).keySet().stream()
                .map(name -> name + ":8083")
                .toList();
        assertEquals(expected, targets, "Prometheus scrapes every node's REST port");

        JsonNode provider = YAML.readTree(
                DOCKER.resolve("grafana/provisioning/dashboards/vertebra.yaml").toFile());
        String dashboards = provider.at("/providers/0/options/path").asText();
        Path mountedDashboards = mountedHostPath(compose.at("/services/grafana"), dashboards);
        JsonNode dashboard = new ObjectMapper()
                .readTree(mountedDashboards.resolve("vertebra.json").toFile());
        assertEquals("Vertebra", dashboard.get("title").asText());
        JsonNode datasource = YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yaml")
                .toFile());
        assertEquals(
                "http://prometheus:9090", datasource.at("/datasources/0/url").asText());
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertNotNull(target.get("expr"), panel.get("title").asText());
                queries++;
            }
        }
        assertTrue(queries >= 30, "panels with queries: " + queries);
        String json = dashboard.toString();
        assertFalse(json.contains("\"expr\":\"\""), "no empty query");
    }
}
