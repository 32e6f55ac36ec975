package io.vertebra.node.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files {@code -f FILE|DIR} names: a file as given, a directory's YAML and JSON files (recursively, sorted), and
 * {@code -} for standard input.
 */
final class ConfigFiles {
    /** How messages name standard input. */
    static final Path STDIN_NAME = Path.of("<stdin>");

    private ConfigFiles() {}

    static boolean isStdin(Path p) {
        return p.toString().equals("-");
    }

    /** All of standard input (read once: {@code -f -} given twice reads nothing the second time). */
    static String readStdin() {
        try {
            return new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read standard input: " + e.getMessage());
        }
    }

    static List<Path> expand(List<Path> given) {
        List<Path> files = new ArrayList<>();
        for (Path p : given) {
            if (isStdin(p)) {
                files.add(p);
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(LocatedYaml::isConfigFile)
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new CliException("cannot list " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new CliException(p + " does not exist; give a YAML or JSON file or a directory of them");
            }
        }
        if (files.isEmpty()) {
            throw new CliException("no .yaml, .yml or .json file in " + given);
        }
        return files;
    }
}
