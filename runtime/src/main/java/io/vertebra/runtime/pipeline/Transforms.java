package io.vertebra.runtime.pipeline;

import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * Builds a {@link TransformChain} from a connector config: {@code transforms=a,b}, {@code transforms.a.type=...},
 * {@code transforms.a.predicate=p}, {@code transforms.a.negate=true}, {@code predicates=p},
 * {@code predicates.p.type=...}; every other {@code transforms.a.*} key configures the transform.
 */
public final class Transforms {
    private Transforms() {}

    public static List<String> aliases(Map<String, String> config, String key) {
        String value = config.get(key);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** The {@code <prefix>.<alias>.*} settings without the prefix and without {@code type} and guard keys. */
    public static Map<String, String> settings(Map<String, String> config, String prefix, String alias) {
        String p = prefix + "." + alias + ".";
        Map<String, String> out = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(p)) {
                out.put(k.substring(p.length()), v);
            }
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    public static <R extends ConnectRecord<R>> TransformChain<R> build(
            Map<String, String> config, PluginRegistry registry) {
        Map<String, Predicate<R>> predicates = new HashMap<>();
        for (String alias : aliases(config, "predicates")) {
            Map<String, String> s = settings(config, "predicates", alias);
            PluginDesc desc = require(registry, "predicates." + alias + ".type", s.get("type"), PluginType.PREDICATE);
            Predicate<R> p = PluginRegistry.newInstance(desc, Predicate.class);
            s.remove("type");
            withLoader(desc, () -> p.configure(s));
            predicates.put(alias, p);
        }
        List<TransformChain.Step<R>> steps = new ArrayList<>();
        for (String alias : aliases(config, "transforms")) {
            Map<String, String> s = settings(config, "transforms", alias);
            PluginDesc desc =
                    require(registry, "transforms." + alias + ".type", s.get("type"), PluginType.TRANSFORMATION);
            Transformation<R> t = PluginRegistry.newInstance(desc, Transformation.class);
            String predicateAlias = s.remove("predicate");
            boolean negate =
                    Boolean.parseBoolean(s.getOrDefault("negate", "false").trim());
            s.remove("negate");
            s.remove("type");
            withLoader(desc, () -> t.configure(s));
            Predicate<R> guard = null;
            if (predicateAlias != null && !predicateAlias.isBlank()) {
                guard = predicates.get(predicateAlias.trim());
                if (guard == null) {
                    throw new ConfigException(
                            "transforms." + alias + ".predicate",
                            predicateAlias,
                            "no predicate with this alias is listed in 'predicates'");
                }
            }
            steps.add(new TransformChain.Step<>(alias, t, guard, negate));
        }
        return new TransformChain<>(steps);
    }

    static PluginDesc require(PluginRegistry registry, String key, String cls, PluginType type) {
        if (cls == null || cls.isBlank()) {
            throw new ConfigException(key, cls, "missing: name the " + type.restName() + " class");
        }
        return registry.find(cls, type)
                .orElseThrow(() -> new ConfigException(
                        key, cls, "no " + type.restName() + " plugin with this class name or alias is installed"));
    }

    private static void withLoader(PluginDesc desc, Runnable r) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(desc.loader());
        try {
            r.run();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
