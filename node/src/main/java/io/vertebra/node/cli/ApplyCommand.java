package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vertebra.node.cli.LocatedYaml.Document;
import io.vertebra.runtime.apply.Documents;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vertebra apply -f FILE|DIR}: checks the files offline (as {@code vertebra validate}), sends their documents
 * to {@code POST /apply}, which plans and applies them on the node, and prints the plan: what is created, changed
 * (key by key, secrets hidden), unchanged and deleted. Nothing is decided here: the node computes the plan, so the CLI,
 * CI jobs and IaC tools calling the REST API get the same answer. Every problem names the file (and line) of the
 * document it is about; {@code -f -} reads the documents from standard input.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        description = "Make connectors and topics match YAML/JSON files: prints the plan, then applies it.")
public final class ApplyCommand implements Callable<Integer> {
    @Mixin
    RestOptions rest;

    @Mixin
    OutputOptions output;

    @Option(
            names = {"-f", "--file"},
            paramLabel = "FILE|DIR",
            required = true,
            description = "A YAML (multi-document) or JSON file, a directory of them, or - for standard input;"
                    + " repeat for more.")
    List<Path> files;

    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Option(
            names = "--prune",
            description = "Delete the connectors and topics this set created earlier and the files no longer declare.")
    boolean prune;

    @Option(
            names = "--set",
            paramLabel = "NAME",
            description = "The apply set the files make up; --prune only touches what this set created (default:"
                    + " the name of the first FILE|DIR without extension).")
    String set;

    @Option(
            names = "--force",
            description = "Take over connectors another apply set manages or that were created by hand, and prune"
                    + " topics that still hold records.")
    boolean force;

    @Option(
            names = "--wait",
            paramLabel = "SECONDS",
            arity = "0..1",
            fallbackValue = "120",
            description = "After applying, wait until every connector is in its declared state and stays there for"
                    + " --stable-for (at most SECONDS, default 120); exits 1 naming the root cause when one fails.")
    Integer waitSeconds;

    @Option(
            names = "--stable-for",
            paramLabel = "DURATION",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How long every task must stay RUNNING for --wait to succeed (default 5s): a task that"
                    + " fails on its first records fails the apply.")
    Duration stableFor;

    @Override
    public Integer call() throws Exception {
        String setName = set != null ? set : defaultSet(files.get(0));
        List<Document> located = readAndCheck(ConfigFiles.expand(files), System.err);
        List<JsonNode> documents = located.stream().map(Document::root).toList();
        DocumentOrigins origins = new DocumentOrigins(located);
        ArrayNode body = RestClient.JSON.createArrayNode();
        documents.forEach(body::add);
        RestClient client = rest.client();
        String path = "/apply?set=" + RestClient.segment(setName) + "&dry_run=" + dryRun + "&prune=" + prune + "&force="
                + force;
        RestClient.Response r = client.send("POST", path, body.toString(), "application/json");
        JsonNode plan = r.body();
        if (plan == null || !plan.has("changes")) {
            throw new CliException(origins.locate(RestClient.errorMessage(r, "POST /apply")));
        }
        if (!output.print(plan, System.out)) {
            print(plan, System.out, origins);
        }
        if (!r.ok()) {
            System.err.println("error: " + origins.locate(plan.path("message").asText()));
            return CliException.FAILED;
        }
        if (waitSeconds != null && !dryRun) {
            return new ConnectorWait(declaredStates(documents), stableFor)
                    .await(client, Duration.ofSeconds(waitSeconds), System.err);
        }
        return 0;
    }

    /** The documents of every file, once each has passed the offline checks; progress on {@code progress}. */
    static List<Document> readAndCheck(List<Path> files, PrintStream progress) {
        FileValidator validator = new FileValidator(SchemaCatalog.bundled());
        List<Document> documents = new ArrayList<>();
        List<FileValidator.Finding> errors = new ArrayList<>();
        int i = 0;
        for (Path file : files) {
            FileValidator.Result result = ConfigFiles.isStdin(file)
                    ? validator.validate(ConfigFiles.STDIN_NAME, ConfigFiles.readStdin())
                    : validator.validate(file);
            for (Document doc : result.documents()) {
                if (!doc.root().has(Documents.KIND) && !doc.root().has(Documents.CONFIG)) {
                    errors.add(new FileValidator.Finding(
                            file,
                            doc.start().line(),
                            doc.start().column(),
                            "",
                            "document " + doc.index() + " is not an apply document: give kind: Connector or"
                                    + " kind: Topic, or a Kafka Connect body with name and config",
                            true));
                } else {
                    documents.add(doc);
                }
            }
            for (FileValidator.Finding f : result.findings()) {
                if (f.error()) {
                    errors.add(f);
                } else {
                    progress.println(f);
                }
            }
            i++;
            if (files.size() > 1) {
                progress.println("[" + i + "/" + files.size() + "] read " + file + " ("
                        + result.documents().size() + " document(s))");
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(progress::println);
            throw new CliException(errors.size() + " problem(s) in the files; nothing was applied");
        }
        if (documents.isEmpty()) {
            throw new CliException("the files hold no document; nothing to apply");
        }
        return documents;
    }

    /** The connector states the documents declare (running when not said). */
    private static Map<String, String> declaredStates(List<JsonNode> documents) {
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode doc : documents) {
            if (!Documents.TOPIC.equals(doc.path(Documents.KIND).asText())) {
                String state = doc.hasNonNull(Documents.STATE)
                        ? doc.get(Documents.STATE).asText()
                        : doc.path(Documents.INITIAL_STATE).asText("running");
                states.put(doc.path(Documents.NAME).asText(), state.toLowerCase());
            }
        }
        return states;
    }

    static String defaultSet(Path first) {
        if (ConfigFiles.isStdin(first)) {
            return "default";
        }
        Path name = first.toAbsolutePath().normalize().getFileName();
        String base = name == null ? "default" : name.toString().replaceFirst("\\.(ya?ml|json)$", "");
        String clean = base.replaceAll("[^A-Za-z0-9._-]", "-");
        return clean.isEmpty() ? "default" : clean;
    }

    /** The plan for people: one line per object, one per changed key, then the totals and what happened. */
    static void print(JsonNode plan, PrintStream out, DocumentOrigins origins) {
        out.println("Plan for apply set '" + plan.path("set").asText() + "'"
                + (plan.path("prune").asBoolean() ? " (prune)" : "") + ":");
        for (JsonNode c : plan.path("changes")) {
            String action = c.path("action").asText();
            String mark = switch (action) {
                case "create" -> "+";
                case "update" -> "~";
                case "delete" -> "-";
                default -> "=";
            };
            String verb = switch (action) {
                case "create" -> "create";
                case "update" -> "change";
                case "delete" -> "delete";
                default -> "unchanged";
            };
            out.println("  " + mark + " " + c.path("kind").asText().toLowerCase() + " "
                    + c.path("name").asText() + "  (" + verb + ")");
            for (JsonNode k : c.path("keys")) {
                String before =
                        k.path("before").isNull() ? null : k.path("before").asText();
                String after = k.path("after").isNull() ? null : k.path("after").asText();
                String line =
                        before == null ? after : after == null ? before + " -> (removed)" : before + " -> " + after;
                out.println("      " + k.path("key").asText() + ": " + line);
            }
        }
        plan.path("warnings").forEach(w -> out.println("warning: " + origins.locate(w.asText())));
        plan.path("problems").forEach(p -> out.println("problem: " + origins.locate(p.asText())));
        JsonNode s = plan.path("summary");
        if (plan.path("no_changes").asBoolean() && plan.path("problems").isEmpty()) {
            out.println("No changes: " + s.path("unchanged").asLong() + " unchanged. Nothing was written.");
            return;
        }
        out.println(
                s.path("created").asLong() + " to create, " + s.path("changed").asLong() + " to change, "
                        + s.path("unchanged").asLong() + " unchanged, "
                        + s.path("deleted").asLong() + " to delete.");
        if (!plan.path("problems").isEmpty()) {
            out.println("Nothing was changed: fix the problems above.");
        } else if (plan.path("dry_run").asBoolean()) {
            out.println("Dry run: nothing was changed.");
        } else if (plan.path("applied").asBoolean()) {
            out.println("Applied.");
        }
        out.flush();
    }
}
