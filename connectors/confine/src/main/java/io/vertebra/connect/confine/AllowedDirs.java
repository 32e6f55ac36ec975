package io.vertebra.connect.confine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The local directories a connector may read and write. They are set by whoever runs the worker, never by the
 * connector config: anyone who may post a connector controls that, and a file source of {@code /etc/shadow} plus a
 * file sink anywhere copies any file the worker can read.
 *
 * <p>The worker hands them over as the system property {@value #PROPERTY}, a comma-separated list of directories:
 * a Vertebra node sets it from its {@code connector.allowed.dirs} setting; under Apache Kafka Connect the operator
 * sets it ({@code KAFKA_OPTS=-Dvertebra.connector.allowed.dirs=/data/in,/data/out}). Unset, every path is allowed,
 * as for any other Connect plugin. A system property and not a worker setting because a plugin sees only its
 * connector's config.
 *
 * <p>A path is inside when its real location is one of the directories or below one: made absolute against the
 * working directory, then walked name by name, {@code ..} taking the parent of what was reached so far and every
 * symbolic link replaced by its target (also a link whose target does not exist yet, which a write would create).
 * The directories are resolved the same way. Immutable and thread-safe.
 */
public final class AllowedDirs {
    /** The system property the worker sets. */
    public static final String PROPERTY = "vertebra.connector.allowed.dirs";

    /** Linux's limit of links followed while resolving one path (ELOOP beyond). */
    private static final int MAX_LINKS = 40;

    private static final AllowedDirs UNRESTRICTED = new AllowedDirs(null);

    /** Real locations of the allowed directories; null when unrestricted. */
    private final List<Path> dirs;

    private AllowedDirs(List<Path> dirs) {
        this.dirs = dirs;
    }

    /** The directories of {@value #PROPERTY}, read now; unrestricted when the property is unset. */
    public static AllowedDirs fromSystemProperty() {
        String value = System.getProperty(PROPERTY);
        if (value == null) {
            return UNRESTRICTED;
        }
        List<Path> dirs = new ArrayList<>();
        for (String entry : value.split(",")) {
            if (!entry.isBlank()) {
                dirs.add(Path.of(entry.trim()));
            }
        }
        return of(dirs);
    }

    /** Only {@code dirs} (relative ones against the working directory); an empty list allows no path at all. */
    public static AllowedDirs of(List<Path> dirs) {
        List<Path> real = new ArrayList<>();
        for (Path dir : dirs) {
            try {
                real.add(realLocation(dir));
            } catch (IOException e) {
                // a directory whose location cannot be resolved (a link loop) allows nothing
            }
        }
        return new AllowedDirs(List.copyOf(real));
    }

    public static AllowedDirs unrestricted() {
        return UNRESTRICTED;
    }

    /** False when every path is allowed (the property is unset). */
    public boolean restricted() {
        return dirs != null;
    }

    /**
     * Why {@code path}, the value of {@code key}, may not be used: a sentence naming the key, the path, where it
     * really leads and the allowed directories; empty when it may be used.
     */
    public Optional<String> problem(String key, String path) {
        return problem(key, path, path);
    }

    /** As {@link #problem(String, String)} for a value (a glob, a URL) that names the location {@code path}. */
    public Optional<String> problem(String key, Object value, String path) {
        if (dirs == null) {
            return Optional.empty();
        }
        String subject = String.valueOf(value).equals(path) ? "is" : "names " + path + ", which is";
        Path real;
        try {
            real = realLocation(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return Optional.of(new ConfigException(
                            key,
                            value,
                            subject + " a location that cannot be resolved (" + e.getMessage()
                                    + "); connectors may only use " + this)
                    .getMessage());
        }
        for (Path dir : dirs) {
            if (real.startsWith(dir)) {
                return Optional.empty();
            }
        }
        String leads = real.equals(Path.of(path).toAbsolutePath()) ? "" : " (it leads to " + real + ")";
        return Optional.of(new ConfigException(
                        key, value, subject + " outside the directories connectors may use" + leads + ": " + this)
                .getMessage());
    }

    /** Throws a {@link ConfigException} with the {@link #problem} of {@code path}, if it has one. */
    public void check(String key, String path) {
        Optional<String> problem = problem(key, path);
        if (problem.isPresent()) {
            throw new ConfigException(problem.get());
        }
    }

    /**
     * Where {@code path} really leads: absolute, {@code ..} and {@code .} applied in order, every symbolic link on
     * the way replaced by its target; names after the first one that does not exist are taken as they are.
     */
    static Path realLocation(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path reached = absolute.getRoot();
        Deque<Path> names = new ArrayDeque<>();
        absolute.forEach(names::add);
        int links = 0;
        while (!names.isEmpty()) {
            String name = names.removeFirst().toString();
            if (name.equals(".") || name.isEmpty()) {
                continue;
            }
            if (name.equals("..")) {
                reached = reached.getParent() == null ? reached : reached.getParent();
                continue;
            }
            Path next = reached.resolve(name);
            if (!Files.isSymbolicLink(next)) {
                reached = next;
                continue;
            }
            if (++links > MAX_LINKS) {
                throw new IOException("more than " + MAX_LINKS + " symbolic links, a loop at " + next);
            }
            Path target = Files.readSymbolicLink(next);
            Path targetAbsolute = reached.resolve(target); // a relative target is relative to the link's directory
            List<Path> targetNames = new ArrayList<>();
            targetAbsolute.forEach(targetNames::add);
            for (int i = targetNames.size() - 1; i >= 0; i--) {
                names.addFirst(targetNames.get(i));
            }
            reached = targetAbsolute.getRoot();
        }
        return reached;
    }

    /** The allowed directories and where they come from, for messages. */
    @Override
    public String toString() {
        if (dirs == null) {
            return "any directory (" + PROPERTY + " is not set)";
        }
        return (dirs.isEmpty() ? "none" : dirs.toString()) + " (the worker's connector.allowed.dirs, system property "
                + PROPERTY + ")";
    }
}
