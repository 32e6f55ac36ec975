package io.vertebra.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (the directory holding {@code mvnw}) from wherever a test runs. */
public final class ProjectLayout {
    private ProjectLayout() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve(".mvn"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the Vertebra repository root above "
                + Path.of("").toAbsolutePath() + " (looked for mvnw and .mvn/)");
    }

    /** The java launcher of the JVM running the tests, used for child JVMs. */
    public static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }
}
