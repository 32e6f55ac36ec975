package io.vertebra.node;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vertebra} command: starts a node, and (later) drives one from the command line. */
@Command(
        name = "vertebra",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "A Kafka-compatible replicated log and a Kafka Connect runtime in one program.",
        subcommands = {
            StartCommand.class,
            QuickstartCommand.class,
            io.vertebra.node.cli.PartitionsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + e.getMessage());
            return 1;
        });
        return cli;
    }
}
