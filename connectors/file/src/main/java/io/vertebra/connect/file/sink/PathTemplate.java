package io.vertebra.connect.file.sink;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sink's {@code file.path}: a path that may contain {@code ${topic}} and {@code ${partition}}, so each topic or
 * partition gets its own file. Immutable.
 */
public final class PathTemplate {
    static final String TOPIC = "${topic}";
    static final String PARTITION = "${partition}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final String template;

    public PathTemplate(String template) {
        this.template = template.trim();
    }

    /** Placeholders other than ${topic} and ${partition}, which make the template invalid. */
    public static List<String> unknownPlaceholders(String template) {
        List<String> unknown = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        while (matcher.find()) {
            String name = matcher.group();
            if (!name.equals(TOPIC) && !name.equals(PARTITION)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    public boolean hasTopic() {
        return template.contains(TOPIC);
    }

    public boolean hasPartition() {
        return template.contains(PARTITION);
    }

    /** The file of one topic partition, absolute (a relative path is taken from the worker's working directory). */
    public Path render(String topic, int partition) {
        return Path.of(fill(topic, partition)).toAbsolutePath().normalize();
    }

    /** The template with the placeholders filled in, as written (relative stays relative, {@code ..} stays). */
    public String fill(String topic, int partition) {
        return template.replace(TOPIC, topic).replace(PARTITION, Integer.toString(partition));
    }

    @Override
    public String toString() {
        return template;
    }
}
