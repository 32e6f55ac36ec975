package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vertebra connectors list|get|status|delete|restart|pause|resume|stop}: the Kafka Connect REST API's
 * connector endpoints, one command each.
 */
@Command(
        name = "connectors",
        mixinStandardHelpOptions = true,
        description = "List, inspect and control connectors (create them with vertebra apply).",
        subcommands = {
            ConnectorsCommand.ListConnectors.class,
            ConnectorsCommand.Get.class,
            ConnectorsCommand.Status.class,
            ConnectorsCommand.Delete.class,
            ConnectorsCommand.Restart.class,
            ConnectorsCommand.Pause.class,
            ConnectorsCommand.Resume.class,
            ConnectorsCommand.Stop.class
        })
public final class ConnectorsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List connectors with their states.")
    static final class ListConnectors implements Callable<Integer> {
        @Mixin
        RestOptions rest;

        @Mixin
        OutputOptions output;

        @Override
        public Integer call() {
            JsonNode all = rest.client().get("/connectors?expand=status&expand=info");
            if (output.print(all, System.out)) {
                return 0;
            }
            if (all.isEmpty()) {
                System.out.println("no connectors; create one with: vertebra apply -f FILE");
                return 0;
            }
            Table table = new Table("CONNECTOR", "TYPE", "STATE", "TASKS", "CLASS");
            for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode status = e.getValue().path("status");
                JsonNode tasks = status.path("tasks");
                long running = 0;
                for (JsonNode t : tasks) {
                    running += "RUNNING".equals(t.path("state").asText()) ? 1 : 0;
                }
                table.row(
                        e.getKey(),
                        status.path("type").asText("-"),
                        status.path("connector").path("state").asText("-"),
                        running + "/" + tasks.size() + " running",
                        e.getValue()
                                .path("info")
                                .path("config")
                                .path("connector.class")
                                .asText("-"));
            }
            table.print(System.out);
            return 0;
        }
    }

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = "Show a connector's config (secrets hidden); -o yaml|json prints it as an apply document"
                    + " that vertebra apply accepts unchanged.")
    static final class Get implements Callable<Integer> {
        @Mixin
        RestOptions rest;

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "CONNECTOR")
        String name;

        @Override
        public Integer call() {
            RestClient client = rest.client();
            JsonNode info = client.get("/connectors/" + RestClient.segment(name));
            if (!output.human()) {
                JsonNode status = client.get("/connectors/" + RestClient.segment(name) + "/status");
                output.print(ExportCommand.connectorDocument(info, status), System.out);
                return 0;
            }
            System.out.println("name: " + info.path("name").asText());
            System.out.println("type: " + info.path("type").asText());
            System.out.println("tasks: " + info.path("tasks").size());
            System.out.println("config:");
            Map<String, String> config = new TreeMap<>();
            info.path("config")
                    .fields()
                    .forEachRemaining(f -> config.put(f.getKey(), f.getValue().asText()));
            Table table = new Table("  KEY", "VALUE");
            config.forEach((k, v) -> table.row("  " + k, v));
            table.print(System.out);
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Show the state of a connector and its tasks, with the root cause of a failed one; exits 1"
                    + " when the connector or a task is FAILED.")
    static final class Status implements Callable<Integer> {
        @Mixin
        RestOptions rest;

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "CONNECTOR")
        String name;

        @Override
        public Integer call() {
            JsonNode status = rest.client().get("/connectors/" + RestClient.segment(name) + "/status");
            String failure = ConnectorWait.failure(name, status);
            if (!output.print(status, System.out)) {
                Table table = new Table("", "STATE", "WORKER", "ERROR");
                JsonNode c = status.path("connector");
                table.row(
                        "connector " + name,
                        c.path("state").asText(),
                        c.path("worker_id").asText(),
                        Traces.rootCause(c.path("trace").asText("")));
                for (JsonNode t : status.path("tasks")) {
                    table.row(
                            "task " + t.path("id").asText(),
                            t.path("state").asText(),
                            t.path("worker_id").asText(),
                            Traces.rootCause(t.path("trace").asText("")));
                }
                table.print(System.out);
            }
            if (failure != null) {
                System.err.println("error: " + failure);
                return CliException.FAILED;
            }
            return 0;
        }
    }

    /** A command that sends one request per connector named and prints what it did. */
    abstract static class Action implements Callable<Integer> {
        @Mixin
        RestOptions rest;

        @Parameters(paramLabel = "CONNECTOR", arity = "1..*")
        List<String> names;

        abstract String method();

        abstract String path(String name);

        abstract String done();

        @Override
        public Integer call() {
            RestClient client = rest.client();
            int failed = 0;
            for (String name : names) {
                RestClient.Response r = client.send(method(), path(RestClient.segment(name)), null, null);
                if (r.ok()) {
                    System.out.println(done() + " " + name);
                } else {
                    failed++;
                    System.err.println("error: " + name + ": " + RestClient.errorMessage(r, method() + " " + name));
                }
            }
            return failed == 0 ? 0 : CliException.FAILED;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete connectors (their offsets stay).")
    static final class Delete extends Action {
        String method() {
            return "DELETE";
        }

        String path(String name) {
            return "/connectors/" + name;
        }

        String done() {
            return "deleted";
        }
    }

    @Command(
            name = "restart",
            mixinStandardHelpOptions = true,
            description = "Restart connectors (and their tasks with --include-tasks).")
    static final class Restart extends Action {
        @Option(names = "--include-tasks", description = "Restart the tasks too.")
        boolean includeTasks;

        @Option(names = "--only-failed", description = "Restart only the instances that failed.")
        boolean onlyFailed;

        String method() {
            return "POST";
        }

        String path(String name) {
            return "/connectors/" + name + "/restart?includeTasks=" + includeTasks + "&onlyFailed=" + onlyFailed;
        }

        String done() {
            return "restarting";
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause connectors: tasks stay, idle.")
    static final class Pause extends Action {
        String method() {
            return "PUT";
        }

        String path(String name) {
            return "/connectors/" + name + "/pause";
        }

        String done() {
            return "pausing";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume paused or stopped connectors.")
    static final class Resume extends Action {
        String method() {
            return "PUT";
        }

        String path(String name) {
            return "/connectors/" + name + "/resume";
        }

        String done() {
            return "resuming";
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stop connectors: no tasks run (offsets can then be changed).")
    static final class Stop extends Action {
        String method() {
            return "PUT";
        }

        String path(String name) {
            return "/connectors/" + name + "/stop";
        }

        String done() {
            return "stopping";
        }
    }
}
