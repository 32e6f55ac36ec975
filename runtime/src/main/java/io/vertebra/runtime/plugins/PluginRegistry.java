package io.vertebra.runtime.plugins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * An immutable view of every known plugin. {@link Plugins} builds a new one on each rescan and swaps it in, so
 * readers never see a half-updated registry and need no lock.
 *
 * <p>Lookups accept the fully qualified class name, the simple class name and, for connectors, the simple name
 * without the {@code Connector} suffix (the aliases Kafka Connect accepts), as long as the alias is unambiguous.
 * Class names Kafka Connect keeps in connect-runtime (e.g. {@code org.apache.kafka.connect.converters
 * .ByteArrayConverter}) resolve to Vertebra's equivalents through {@link #RENAMED}.
 */
public final class PluginRegistry {
    /** Kafka Connect class names whose implementation lives in connect-runtime, mapped to ours. */
    public static final Map<String, String> RENAMED = Map.of(
            "org.apache.kafka.connect.converters.ByteArrayConverter",
            "io.vertebra.runtime.pipeline.ByteArrayConverter");

    private final List<PluginDesc> all;
    private final Map<String, List<PluginDesc>> byName;

    public PluginRegistry(Collection<PluginDesc> plugins) {
        List<PluginDesc> sorted = new ArrayList<>(plugins);
        sorted.sort(Comparator.comparing(PluginDesc::className)
                .thenComparing(d -> d.type().ordinal()));
        this.all = List.copyOf(sorted);
        Map<String, List<PluginDesc>> names = new HashMap<>();
        for (PluginDesc d : all) {
            names.computeIfAbsent(d.className(), k -> new ArrayList<>()).add(d);
        }
        Map<String, List<PluginDesc>> aliases = new HashMap<>();
        for (PluginDesc d : all) {
            String simple = d.simpleName();
            aliases.computeIfAbsent(simple, k -> new ArrayList<>()).add(d);
            if (d.type().isConnector() && simple.endsWith("Connector") && simple.length() > "Connector".length()) {
                aliases.computeIfAbsent(simple.substring(0, simple.length() - 9), k -> new ArrayList<>())
                        .add(d);
            }
        }
        aliases.forEach((alias, list) -> {
            long classes = list.stream().map(PluginDesc::className).distinct().count();
            if (classes == 1) {
                names.putIfAbsent(alias, list);
            }
        });
        this.byName = Map.copyOf(names);
    }

    public List<PluginDesc> all() {
        return all;
    }

    public List<PluginDesc> ofType(PluginType type) {
        return all.stream().filter(d -> d.type() == type).toList();
    }

    /** The plugin of {@code type} named {@code name} (class name or alias), if any. */
    public Optional<PluginDesc> find(String name, PluginType... types) {
        String key = RENAMED.getOrDefault(name.trim(), name.trim());
        List<PluginDesc> found = byName.getOrDefault(key, List.of());
        for (PluginDesc d : found) {
            for (PluginType t : types) {
                if (d.type() == t) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    /** The connector plugin {@code name}, or a ConfigException listing what is available. */
    public PluginDesc connector(String name) {
        return find(name, PluginType.SOURCE, PluginType.SINK)
                .orElseThrow(() -> new ConfigException("Failed to find any class that implements Connector and which"
                        + " name matches " + name + ", available connectors are: " + connectorNames()));
    }

    public List<String> connectorNames() {
        return all.stream()
                .filter(d -> d.type().isConnector())
                .map(PluginDesc::className)
                .distinct()
                .toList();
    }

    /** Loads and instantiates the plugin with its own class loader as the thread's context loader. */
    public static <T> T newInstance(PluginDesc desc, Class<T> type) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(desc.loader());
        try {
            Class<?> cls = Class.forName(desc.className(), true, desc.loader());
            return type.cast(cls.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigException("cannot instantiate " + desc.type().restName() + " " + desc.className() + ": "
                    + (e.getCause() != null ? e.getCause() : e));
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** One entry per class and type, in the order {@code GET /connector-plugins} lists them. */
    public Map<String, PluginDesc> distinct() {
        Map<String, PluginDesc> out = new LinkedHashMap<>();
        for (PluginDesc d : all) {
            out.putIfAbsent(d.className() + "/" + d.type(), d);
        }
        return out;
    }

    /** The plugin's config definition, asked of a new instance with the plugin's loader as context loader. */
    public static ConfigDef configDef(PluginDesc d) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(d.loader());
        try {
            Object instance = newInstance(d, Object.class);
            if (instance instanceof Connector c) {
                return c.config();
            } else if (instance instanceof Transformation<?> t) {
                return t.config();
            } else if (instance instanceof Predicate<?> p) {
                return p.config();
            } else if (instance instanceof Converter c) {
                return c.config();
            } else if (instance instanceof HeaderConverter h) {
                return h.config();
            }
            return new ConfigDef();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
