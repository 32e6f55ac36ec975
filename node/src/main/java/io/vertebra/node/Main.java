package io.vertebra.node;

import io.vertebra.node.cli.ApplyCommand;
import io.vertebra.node.cli.CliException;
import io.vertebra.node.cli.ConnectorsCommand;
import io.vertebra.node.cli.ConsumeCommand;
import io.vertebra.node.cli.ExportCommand;
import io.vertebra.node.cli.PartitionsCommand;
import io.vertebra.node.cli.ProduceCommand;
import io.vertebra.node.cli.TopicsCommand;
import io.vertebra.node.cli.ValidateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vertebra} command: starts a node, and drives one from the command line (topics, produce, consume,
 * connectors, apply, export, validate, partitions, log). Exit codes (docs/cli.md): 0 success, 1 the operation failed
 * (including a FAILED connector or task shown or waited for), 2 the command line is wrong, 3 the node could not be
 * reached, 4 {@code apply --wait} ran out of time.
 */
@Command(
        name = "vertebra",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "A Kafka-compatible replicated log and a Kafka Connect runtime in one program.",
        subcommands = {
            StartCommand.class,
            QuickstartCommand.class,
            TopicsCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            ConnectorsCommand.class,
            ApplyCommand.class,
            ExportCommand.class,
            ValidateCommand.class,
            PartitionsCommand.class,
            LogCommand.class,
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
            return e instanceof CliException c ? c.exitCode() : CliException.FAILED;
        });
        return cli;
    }
}
