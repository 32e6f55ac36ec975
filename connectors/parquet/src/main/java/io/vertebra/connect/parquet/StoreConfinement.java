package io.vertebra.connect.parquet;

import io.vertebra.connect.confine.AllowedDirs;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps a Parquet sink on the worker's disk inside the directories the worker allows ({@link AllowedDirs}): a
 * {@code file:} store (with its {@code topics.dir}) and {@code hadoop.conf.dir} must lie in them. Remote stores
 * (HDFS, S3A and the other object stores) are not the worker's disk and stay allowed; any other scheme, and keys
 * that swap the Hadoop FileSystem class behind a scheme ({@code fs.hdfs.impl=...RawLocalFileSystem} would make an
 * {@code hdfs:} URL read local files), are refused while the worker confines connectors.
 */
final class StoreConfinement {
    /** Schemes whose FileSystem is not the worker's local disk. */
    static final Set<String> REMOTE_SCHEMES = Set.of("hdfs", "webhdfs", "swebhdfs", "s3a", "gs", "abfs", "abfss");

    /** {@code fs.<scheme>.impl} and {@code fs.AbstractFileSystem.<scheme>.impl}: which class serves a scheme. */
    private static final Pattern FILE_SYSTEM_CLASS = Pattern.compile("fs\\.(AbstractFileSystem\\.)?[^.]+\\.impl");

    private StoreConfinement() {}

    /** The problems of {@code props} by key, each a sentence naming key, value and what is allowed; empty if none. */
    static Map<String, String> problems(Map<String, String> props, AllowedDirs allowed) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (!allowed.restricted()) {
            return problems;
        }
        String storeUrl = props.get(ParquetSinkConfig.STORE_URL);
        if (storeUrl != null && !storeUrl.isBlank()) {
            storeProblem(storeUrl.trim(), props.getOrDefault(ParquetSinkConfig.TOPICS_DIR, "topics"), allowed)
                    .forEach(problems::putIfAbsent);
        }
        String confDir = props.get(ParquetSinkConfig.HADOOP_CONF_DIR);
        if (confDir != null && !confDir.isBlank()) {
            allowed.problem(ParquetSinkConfig.HADOOP_CONF_DIR, confDir.trim())
                    .ifPresent(p -> problems.put(ParquetSinkConfig.HADOOP_CONF_DIR, p));
        }
        props.keySet().stream()
                .filter(key -> FILE_SYSTEM_CLASS.matcher(key).matches())
                .forEach(key -> problems.put(
                        key,
                        "Invalid value " + props.get(key) + " for configuration " + key + ": a connector may not"
                                + " choose the Hadoop FileSystem class of a scheme while the worker confines connectors"
                                + " to " + allowed));
        return problems;
    }

    private static Map<String, String> storeProblem(String storeUrl, String topicsDir, AllowedDirs allowed) {
        String key = ParquetSinkConfig.STORE_URL;
        URI uri;
        try {
            uri = new URI(storeUrl);
        } catch (URISyntaxException e) {
            return Map.of(); // the key's own validator reports it
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (REMOTE_SCHEMES.contains(scheme)) {
            return Map.of();
        }
        if (!scheme.equals("file")) {
            return Map.of(
                    key,
                    "Invalid value " + storeUrl + " for configuration " + key + ": the worker confines connectors to "
                            + allowed + "; use file:///a/path/in/them, or a remote store (" + REMOTE_SCHEMES + ")");
        }
        String path = uri.getPath() == null || uri.getPath().isEmpty() ? uri.getSchemeSpecificPart() : uri.getPath();
        var storeProblem = allowed.problem(key, storeUrl, path);
        if (storeProblem.isPresent()) {
            return Map.of(key, storeProblem.get());
        }
        // the lake is <store.url>/<topics.dir>: an absolute topics.dir or one with '..' goes elsewhere
        String lake = Path.of(path).resolve(topicsDir.trim()).toString();
        return allowed.problem(ParquetSinkConfig.TOPICS_DIR, topicsDir, lake)
                .map(p -> Map.of(ParquetSinkConfig.TOPICS_DIR, p))
                .orElse(Map.of());
    }
}
