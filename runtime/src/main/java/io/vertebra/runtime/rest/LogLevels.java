package io.vertebra.runtime.rest;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code /admin/loggers} state: levels set through the API (with when) applied to Log4j 2 when it is the
 * logging backend (the node's), else only remembered. Thread-safe.
 */
public final class LogLevels {
    static final List<String> LEVELS = List.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    record Level(String level, Long lastModified) {}

    private final Map<String, Level> levels = new ConcurrentHashMap<>();

    public LogLevels() {
        levels.put("root", new Level(currentRootLevel(), null));
    }

    /** Every known logger as {@code {"level": ..., "last_modified": ms|null}}. */
    public Map<String, Map<String, Object>> all() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        levels.forEach((name, level) -> out.put(name, json(level)));
        return out;
    }

    public Map<String, Object> get(String name) {
        Level level = levels.get(name);
        return level == null ? null : json(level);
    }

    private static Map<String, Object> json(Level level) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("level", level.level());
        m.put("last_modified", level.lastModified());
        return m;
    }

    public boolean isLevel(String level) {
        return LEVELS.contains(level.trim().toUpperCase());
    }

    /** Sets the level of {@code name} and the loggers below it; returns the affected logger names. */
    public List<String> set(String name, String level) {
        String upper = level.trim().toUpperCase();
        apply(name, upper);
        long now = System.currentTimeMillis();
        List<String> affected = new java.util.ArrayList<>();
        levels.put(name, new Level(upper, now));
        affected.add(name);
        for (String existing : levels.keySet()) {
            if (!existing.equals(name) && (name.equals("root") || existing.startsWith(name + "."))) {
                levels.put(existing, new Level(upper, now));
                affected.add(existing);
            }
        }
        java.util.Collections.sort(affected);
        return affected;
    }

    private static void apply(String name, String level) {
        try {
            Class<?> levelClass = Class.forName("org.apache.logging.log4j.Level");
            Object l = levelClass.getMethod("toLevel", String.class).invoke(null, level);
            Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator");
            if (name.equals("root")) {
                configurator.getMethod("setRootLevel", levelClass).invoke(null, l);
            } else {
                Method set = configurator.getMethod("setLevel", String.class, levelClass);
                set.invoke(null, name, l);
            }
        } catch (ReflectiveOperationException | LinkageError e) {
            // no Log4j 2 core: the level is only remembered
        }
    }

    private static String currentRootLevel() {
        try {
            Class<?> logManager = Class.forName("org.apache.logging.log4j.LogManager");
            Object root = logManager.getMethod("getRootLogger").invoke(null);
            return String.valueOf(root.getClass().getMethod("getLevel").invoke(root));
        } catch (ReflectiveOperationException | LinkageError e) {
            return "INFO";
        }
    }
}
