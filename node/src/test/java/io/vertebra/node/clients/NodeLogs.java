package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The log files of every node a test started below one directory ({@code *-node-*.log}, the killed nodes' too):
 * scanned for requests a node failed instead of answering, and kept under {@code node/target} for diagnosis.
 */
final class NodeLogs {
    /**
     * What a node logs when it failed a request rather than answering it, or closed a connection over a request it
     * would not serve (a version it does not advertise, a body that does not parse, an API it does not know).
     */
    static final Pattern PROTOCOL_TROUBLE =
            Pattern.compile("(?i)unsupportedversion|unparseable|error serving|does not support|unknown api"
                    + "|malformed request|this broker serves v|BUG:|cannot write a|after an unexpected error");

    private final Path root;

    NodeLogs(Path root) {
        this.root = root;
    }

    List<Path> files() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")
                            && f.getFileName().toString().contains("-node-"))
                    .toList();
        }
    }

    /** The lines of every node log that mean a protocol problem, each prefixed with its file. */
    List<String> protocolTrouble() throws IOException {
        List<String> trouble = new ArrayList<>();
        for (Path log : files()) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (PROTOCOL_TROUBLE.matcher(line).find()) {
                    trouble.add(root.relativize(log) + ": " + line);
                }
            }
        }
        return trouble;
    }

    void assertNoProtocolTrouble() throws IOException {
        assertEquals(List.of(), protocolTrouble(), "requests the nodes failed instead of answering");
    }

    /** Copies every node log into {@code target}, named by its path below the root ({@code node-1-data-node-….log}). */
    void keepIn(Path target) throws IOException {
        Files.createDirectories(target);
        for (Path log : files()) {
            Files.copy(
                    log,
                    target.resolve(root.relativize(log).toString().replace('/', '-')),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Creates {@code dir}, or deletes the files an earlier run left in it; returns it. */
    static Path emptyDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> earlier = Files.list(dir)) {
            for (Path f : earlier.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }
        return dir;
    }
}
