package io.vertebra.node.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files {@code -f FILE|DIR} names: a file as given, a directory's YAML and JSON files (recursively, sorted). */
final class ConfigFiles {
    private ConfigFiles() {}

    static List<Path> expand(List<Path> given) {
        List<Path> files = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p)) {
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
