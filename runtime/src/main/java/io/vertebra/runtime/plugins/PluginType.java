package io.vertebra.runtime.plugins;

import java.util.List;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/** The kinds of plugin, with the names {@code GET /connector-plugins} reports them under. */
public enum PluginType {
    SOURCE("source", SourceConnector.class),
    SINK("sink", SinkConnector.class),
    CONVERTER("converter", Converter.class),
    HEADER_CONVERTER("header_converter", HeaderConverter.class),
    TRANSFORMATION("transformation", Transformation.class),
    PREDICATE("predicate", Predicate.class),
    CONFIG_PROVIDER("config_provider", ConfigProvider.class);

    private final String restName;
    private final Class<?> superType;

    PluginType(String restName, Class<?> superType) {
        this.restName = restName;
        this.superType = superType;
    }

    public String restName() {
        return restName;
    }

    public Class<?> superType() {
        return superType;
    }

    public boolean isConnector() {
        return this == SOURCE || this == SINK;
    }

    /** Every type a class is a plugin of (a class can be both a converter and a header converter). */
    public static List<PluginType> of(Class<?> type) {
        if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
            return List.of();
        }
        return java.util.Arrays.stream(values())
                .filter(t -> t.superType.isAssignableFrom(type))
                .toList();
    }
}
