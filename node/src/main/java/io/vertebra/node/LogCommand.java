package io.vertebra.node;

import io.vertebra.log.storage.LogRepair;
import io.vertebra.log.storage.Quarantine;
import io.vertebra.node.cli.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vertebra log status|repair}: looks at and repairs the partition logs of a stopped node's data directory.
 * A partition whose log recovery found corrupt (not merely torn) data is quarantined and offline; on a single node,
 * or with no in-sync replica to re-fetch from, only an operator can bring it back (docs/storage.md, "Corruption
 * and quarantine"). Both commands take the data directory's lock, so they refuse to run beside a node using it.
 */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = "Inspect and repair the partition logs of a stopped node.",
        subcommands = {LogCommand.Status.class, LogCommand.Repair.class})
public final class LogCommand {

    abstract static class Base implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                defaultValue = "data",
                description = "The stopped node's data directory (default: ./data).")
        Path dataDir;

        Path logDir() {
            Path logDir = dataDir.resolve("log");
            if (!Files.isDirectory(logDir)) {
                throw new CliException(dataDir.toAbsolutePath() + " holds no partition logs (no " + logDir
                        + " directory); pass the" + " data directory of the node with --data-dir");
            }
            return logDir;
        }

        DataDirLock lock() throws IOException {
            try {
                return DataDirLock.acquire(dataDir);
            } catch (IllegalStateException e) {
                throw new CliException(e.getMessage() + " (stop the node before repairing its logs)");
            }
        }

        java.io.PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "List the quarantined partitions and why.")
    static final class Status extends Base {
        @Override
        public Integer call() throws IOException {
            Path logDir = logDir();
            try (DataDirLock ignored = lock()) {
                List<Path> quarantined = LogRepair.quarantined(logDir);
                if (quarantined.isEmpty()) {
                    out().println("no quarantined partition in " + logDir);
                }
                for (Path partition : quarantined) {
                    out().println(partition.getFileName() + ": " + Quarantine.reason(partition));
                }
                return 0;
            }
        }
    }

    @Command(
            name = "repair",
            mixinStandardHelpOptions = true,
            description = "Rebuild quarantined partition logs from their valid batches and bring them back online.")
    static final class Repair extends Base {
        @Option(names = "--topic", paramLabel = "TOPIC", description = "Repair only this topic's partitions.")
        String topic;

        @Option(names = "--partition", paramLabel = "N", description = "Repair only this partition (with --topic).")
        Integer partition;

        @Option(
                names = "--truncate-at-corruption",
                description = "Keep only what precedes the first corrupt byte (default: keep every valid batch, before"
                        + " and after the corruption, leaving a gap in the offsets where the bad bytes were).")
        boolean truncate;

        @Override
        public Integer call() throws IOException {
            if (partition != null && topic == null) {
                throw new CliException("--partition " + partition + " needs --topic");
            }
            Path logDir = logDir();
            try (DataDirLock ignored = lock()) {
                List<Path> targets = LogRepair.quarantined(logDir).stream()
                        .filter(p -> matches(p.getFileName().toString()))
                        .toList();
                if (targets.isEmpty()) {
                    throw new CliException("no quarantined partition"
                            + (topic == null
                                    ? ""
                                    : " of topic " + topic + (partition == null ? "" : " numbered " + partition))
                            + " in " + logDir + "; `vertebra log status --data-dir " + dataDir + "` lists them");
                }
                LogRepair.Mode mode = truncate ? LogRepair.Mode.TRUNCATE : LogRepair.Mode.KEEP_VALID;
                for (Path target : targets) {
                    out().println("repaired " + LogRepair.repair(target, mode));
                }
                return 0;
            }
        }

        private boolean matches(String dirName) {
            if (topic == null) {
                return true;
            }
            int dash = dirName.lastIndexOf('-');
            if (dash <= 0 || !dirName.substring(0, dash).equals(topic)) {
                return false;
            }
            return partition == null || dirName.substring(dash + 1).equals(Integer.toString(partition));
        }
    }
}
