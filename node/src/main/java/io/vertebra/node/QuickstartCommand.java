package io.vertebra.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertebra.runtime.config.WorkerConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vertebra quickstart}: one node (embedded log, REST on 8083, {@code plugins/} loaded) running the pipeline of
 * {@code config-examples/quickstart/}: a generated application log tailed into a topic and written out by the file
 * sink. Prints what runs, where to look and what to try next; runs until Ctrl-C.
 */
@Command(
        name = "quickstart",
        mixinStandardHelpOptions = true,
        description = "Start a node with the example pipeline of config-examples/quickstart and show where to look.")
public final class QuickstartCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();
    /** Where the pipeline files of config-examples/quickstart read and write, relative to the node's directory. */
    static final String EXAMPLES_WORK_DIR = "data/quickstart/pipeline";

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: ./data/quickstart).")
    Path dataDir = Path.of("data", "quickstart");

    @Option(names = "--rest-port", paramLabel = "N", description = "REST API port (default: 8083).")
    int restPort = 8083;

    @Option(names = "--kafka-port", paramLabel = "N", description = "Kafka protocol port (default: 9092).")
    int kafkaPort = 9092;

    @Option(names = "--plugin-path", paramLabel = "DIR[,DIR]", description = "Plugin directories (default: ./plugins).")
    String pluginPath;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "Run the pipeline on this Kafka cluster instead of the embedded log.")
    String bootstrapServers;

    @Option(
            names = "--examples",
            paramLabel = "DIR",
            description = "Pipeline files (default: config-examples/quickstart).")
    Path examples;

    @Option(
            names = "--lines-per-second",
            paramLabel = "N",
            description = "Generated log lines per second (default: 5).")
    int linesPerSecond = 5;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("vertebra.home", "."));
        Path examplesDir = examples != null ? examples : home.resolve("config-examples/quickstart");
        Map<String, String> values = new LinkedHashMap<>();
        values.put(NodeConfig.DATA_DIR, dataDir.toString());
        values.put(NodeConfig.REST_PORT, Integer.toString(restPort));
        values.put(NodeConfig.KAFKA_PORT, Integer.toString(kafkaPort));
        values.put(
                NodeConfig.PLUGIN_PATH,
                pluginPath != null ? pluginPath : home.resolve("plugins").toString());
        values.put(NodeConfig.GROUP_ID, "vertebra-quickstart");
        values.put("offset.flush.interval.ms", "2000");
        if (bootstrapServers != null) {
            values.put(NodeConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        Path work = dataDir.resolve("pipeline").toAbsolutePath().normalize();
        Files.createDirectories(work.resolve("out"));
        // the pipeline's files, wherever --data-dir puts them (the default is connector.allowed.dirs' own default)
        values.put(WorkerConfig.CONNECTOR_ALLOWED_DIRS, work.toString());
        try (Node node = Node.start(new NodeConfig(values))) {
            System.out.println(node.readyLine());
            String rest = "http://127.0.0.1:" + node.restPort();
            Thread generator = startLogGenerator(work.resolve("app.log"));
            awaitWorker(rest);
            List<String> deployed = deploy(rest, examplesDir, work);
            printGuide(rest, node, work, deployed, examplesDir);
            node.awaitShutdownSignal();
            generator.interrupt();
        }
        return 0;
    }

    /** Appends JSON application log lines (about {@code linesPerSecond} a second) until interrupted. */
    private Thread startLogGenerator(Path log) {
        Thread t = new Thread(
                () -> {
                    Random random = new Random();
                    String[] services = {"checkout", "catalog", "payments", "search"};
                    String[] messages = {
                        "request served", "cache miss", "slow query", "retrying upstream call", "user login"
                    };
                    long n = 0;
                    try (BufferedWriter out = Files.newBufferedWriter(
                            log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                        while (!Thread.currentThread().isInterrupted()) {
                            int latency = (int) Math.abs(random.nextGaussian() * 40 + 30);
                            String level = latency > 120 ? "WARN" : random.nextInt(50) == 0 ? "ERROR" : "INFO";
                            Map<String, Object> line = new LinkedHashMap<>();
                            line.put("ts", Instant.now().toString());
                            line.put("seq", n++);
                            line.put("level", level);
                            line.put("service", services[random.nextInt(services.length)]);
                            line.put("message", messages[random.nextInt(messages.length)]);
                            line.put("latency_ms", latency);
                            out.write(JSON.writeValueAsString(line));
                            out.newLine();
                            out.flush();
                            Thread.sleep(Math.max(1, 1000 / Math.max(1, linesPerSecond)));
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                },
                "quickstart-log-generator");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void awaitWorker(String rest) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(rest + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the Connect worker did not become ready within 3 minutes; see the log above");
    }

    /** PUTs every pipeline file (create or update: re-running the quickstart is safe); returns the connector names. */
    static List<String> deploy(String rest, Path examplesDir, Path work) throws IOException, InterruptedException {
        if (!Files.isDirectory(examplesDir)) {
            throw new IllegalStateException("no pipeline files in " + examplesDir.toAbsolutePath()
                    + "; run from the Vertebra directory or pass --examples DIR");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(examplesDir)) {
            files = list.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        }
        HttpClient http = HttpClient.newHttpClient();
        List<String> names = new ArrayList<>();
        for (Path file : files) {
            // the files name the default place relative to the working directory; any --data-dir is made absolute
            String text = Files.readString(file).replace(EXAMPLES_WORK_DIR, work.toString());
            JsonNode doc = YAML.readTree(text);
            String name = doc.get("name").asText();
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(rest + "/connectors/" + name + "/config"))
                            .header("Content-Type", "application/yaml")
                            .PUT(HttpRequest.BodyPublishers.ofString(YAML.writeValueAsString(doc.get("config"))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IllegalStateException(
                        "deploying " + file.getFileName() + " failed: " + r.statusCode() + " " + r.body());
            }
            names.add(name);
        }
        return names;
    }

    private void printGuide(String rest, Node node, Path work, List<String> deployed, Path examplesDir) {
        String kafka = bootstrapServers != null ? bootstrapServers : "127.0.0.1:" + node.kafkaPort();
        System.out.println();
        System.out.println("Quickstart running.");
        System.out.println("  pipeline   " + examplesDir + " -> connectors " + String.join(", ", deployed));
        System.out.println("  input      " + work.resolve("app.log") + "   (a generated JSON application log)");
        System.out.println("  topic      app-logs on " + kafka);
        System.out.println("  output     " + work.resolve("out") + "/app-logs.jsonl");
        System.out.println();
        System.out.println("Try:");
        System.out.println("  tail -f " + work.resolve("out/app-logs.jsonl"));
        System.out.println("  curl -s " + rest + "/connectors?expand=status");
        System.out.println("  curl -s -X PUT " + rest + "/connectors/app-log-source/pause");
        System.out.println("  curl -s " + rest + "/connector-plugins?connectorsOnly=false");
        System.out.println("  kcctl config set-context quickstart --cluster " + rest + " && kcctl get connectors");
        System.out.println("Press Ctrl-C to stop.");
        System.out.flush();
    }
}
