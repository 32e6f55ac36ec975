package io.vertebra.runtime.service;

import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.ConnectorConfigDef;
import io.vertebra.runtime.config.SecretMasker;
import io.vertebra.runtime.pipeline.Transforms;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.rest.entities.ConfigInfos;
import io.vertebra.runtime.rest.entities.ConfigInfos.ConfigInfo;
import io.vertebra.runtime.rest.entities.ConfigInfos.ConfigKeyInfo;
import io.vertebra.runtime.rest.entities.ConfigInfos.ConfigValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;

/**
 * Validates a connector config the way Kafka Connect's validate endpoint does, and before any config is stored: the
 * common keys ({@link ConnectorConfigDef}), the connector's own {@code validate()}, each transform's and predicate's
 * {@code config()}, the converters, and the sink topic rules. Every problem is reported at once, each naming the key.
 *
 * <p>Stateless; called on REST worker threads (it may block: a connector's validate can reach its database).
 */
public final class ConfigValidator {
    private final PluginRegistry registry;
    private final ConfigProviders providers;

    public ConfigValidator(PluginRegistry registry, ConfigProviders providers) {
        this.registry = registry;
        this.providers = providers;
    }

    /** The connector plugin the config names; 400 when it names none or an unknown one. */
    public PluginDesc connectorPlugin(Map<String, String> config) {
        String cls = config.get(ConnectorConfigDef.CONNECTOR_CLASS);
        if (cls == null || cls.isBlank()) {
            throw RestException.badRequest("Connector config " + config.keySet()
                    + " contains no connector type: the key 'connector.class' is required");
        }
        return registry.find(cls, PluginType.SOURCE, PluginType.SINK)
                .orElseThrow(() -> RestException.badRequest("Failed to find any class that implements Connector and"
                        + " which name matches " + cls + ", available connectors are: " + registry.connectorNames()));
    }

    public ConfigInfos validate(Map<String, String> raw) {
        PluginDesc plugin = connectorPlugin(raw);
        Map<String, String> config = providers.resolve(raw);
        ConfigDef base = plugin.type() == PluginType.SINK ? ConnectorConfigDef.sink() : ConnectorConfigDef.source();
        Map<String, ConfigKeyInfo> definitions = new LinkedHashMap<>();
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        Set<String> groups = new LinkedHashSet<>();
        Set<String> passwords = new java.util.HashSet<>();

        add(base, base.validate(config), definitions, values, groups, "");
        Connector connector = PluginRegistry.newInstance(plugin, Connector.class);
        ConfigDef own;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(plugin.loader());
        try {
            own = connector.config();
            passwords.addAll(SecretMasker.passwordKeys(own));
            Config result = connector.validate(config);
            add(own, result.configValues(), definitions, values, groups, "");
        } catch (RuntimeException | LinkageError e) {
            values.get(ConnectorConfigDef.CONNECTOR_CLASS).addErrorMessage("the connector's validate() failed: " + e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        validatePlugins(config, "transforms", PluginType.TRANSFORMATION, definitions, values, groups);
        validatePlugins(config, "predicates", PluginType.PREDICATE, definitions, values, groups);
        for (String key : List.of("key.converter", "value.converter", "header.converter")) {
            String cls = config.get(key);
            if (cls != null && !cls.isBlank()) {
                PluginType type = key.equals("header.converter") ? PluginType.HEADER_CONVERTER : PluginType.CONVERTER;
                if (registry.find(cls, type).isEmpty()) {
                    values.get(key)
                            .addErrorMessage("Invalid value " + cls + " for configuration " + key + ": no "
                                    + type.restName() + " plugin with this class name or alias is installed");
                }
            }
        }
        if (plugin.type() == PluginType.SINK) {
            validateSinkTopics(config, values);
        }
        providers
                .problems(raw, config)
                .forEach((key, problem) -> values.computeIfAbsent(
                                key, k -> new ConfigValue(k, raw.get(k), List.of(), new ArrayList<>()))
                        .addErrorMessage(problem));
        ConfigValue name = values.get(ConnectorConfigDef.NAME);
        if (name != null && name.errorMessages().isEmpty()) {
            String problem = ConnectorNames.problem(config.get(ConnectorConfigDef.NAME));
            if (problem != null) {
                name.addErrorMessage(problem);
            }
        }
        List<ConfigInfo> infos = new ArrayList<>();
        int errors = 0;
        for (Map.Entry<String, ConfigValue> e : values.entrySet()) {
            ConfigValue v = e.getValue();
            errors += v.errorMessages().isEmpty() ? 0 : 1;
            ConfigKeyInfo def = definitions.get(e.getKey());
            if (def != null && "PASSWORD".equals(def.type())) {
                passwords.add(e.getKey());
            }
            String shown = raw.containsKey(e.getKey()) ? raw.get(e.getKey()) : valueString(v.value());
            shown = SecretMasker.maskValue(e.getKey(), shown, passwords);
            // what the plugins said was built from resolved values: the placeholders go back, then the mask rule
            List<String> messages = v.errorMessages().stream()
                    .map(m -> SecretMasker.maskText(ConfigProviders.redact(m, raw, config), raw, passwords))
                    .toList();
            infos.add(new ConfigInfo(
                    def,
                    new ConfigValueInfo(
                            v.name(),
                            shown,
                            v.recommendedValues().stream()
                                    .map(ConfigValidator::valueString)
                                    .map(r -> ConfigProviders.redact(r, raw, config))
                                    .toList(),
                            messages,
                            v.visible())));
        }
        return new ConfigInfos(plugin.className(), errors, new ArrayList<>(groups), infos);
    }

    private void validateSinkTopics(Map<String, String> config, Map<String, ConfigValue> values) {
        String topics = config.getOrDefault("topics", "").trim();
        String regex = config.getOrDefault("topics.regex", "").trim();
        if (topics.isEmpty() && regex.isEmpty()) {
            values.get("topics").addErrorMessage("Must configure one of topics or topics.regex");
        } else if (!topics.isEmpty() && !regex.isEmpty()) {
            values.get("topics")
                    .addErrorMessage("topics and topics.regex are mutually exclusive options, but both" + " are set");
        }
        if (!regex.isEmpty()) {
            try {
                java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                values.get("topics.regex")
                        .addErrorMessage("Invalid regular expression " + regex + ": " + e.getDescription());
            }
        }
        String dlq =
                config.getOrDefault("errors.deadletterqueue.topic.name", "").trim();
        if (!dlq.isEmpty() && List.of(topics.split("\\s*,\\s*")).contains(dlq)) {
            values.get("errors.deadletterqueue.topic.name")
                    .addErrorMessage("The DLQ topic '" + dlq + "' may not be included in the list of topics ('topics="
                            + topics + "') consumed by the connector");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void validatePlugins(
            Map<String, String> config,
            String prefix,
            PluginType type,
            Map<String, ConfigKeyInfo> definitions,
            Map<String, ConfigValue> values,
            Set<String> groups) {
        for (String alias : Transforms.aliases(config, prefix)) {
            String typeKey = prefix + "." + alias + ".type";
            String cls = config.get(typeKey);
            ConfigValue typeValue = new ConfigValue(typeKey, cls, List.of(), new ArrayList<>());
            values.put(typeKey, typeValue);
            definitions.put(
                    typeKey,
                    new ConfigKeyInfo(
                            typeKey,
                            "CLASS",
                            true,
                            null,
                            "HIGH",
                            "Class for the '" + alias + "' " + type.restName() + ".",
                            prefix + ": " + alias,
                            0,
                            "LONG",
                            type.restName() + " type for " + alias,
                            List.of()));
            groups.add(prefix + ": " + alias);
            if (cls == null || cls.isBlank()) {
                typeValue.addErrorMessage(
                        "Missing required configuration \"" + typeKey + "\" which has no default value.");
                continue;
            }
            var desc = registry.find(cls, type);
            if (desc.isEmpty()) {
                typeValue.addErrorMessage("Invalid value " + cls + " for configuration " + typeKey + ": no "
                        + type.restName() + " plugin with this class name or alias is installed");
                continue;
            }
            try {
                Object instance = PluginRegistry.newInstance(desc.get(), Object.class);
                ConfigDef def = instance instanceof Transformation t ? t.config() : ((Predicate) instance).config();
                Map<String, String> settings = Transforms.settings(config, prefix, alias);
                settings.remove("type");
                settings.remove("predicate");
                settings.remove("negate");
                List<ConfigValue> result = def.validate(settings);
                add(def, result, definitions, values, groups, prefix + "." + alias + ".");
            } catch (RuntimeException e) {
                typeValue.addErrorMessage(
                        "Invalid value " + cls + " for configuration " + typeKey + ": " + e.getMessage());
            }
            if (prefix.equals("transforms")) {
                String predicate = config.get(prefix + "." + alias + ".predicate");
                if (predicate != null
                        && !predicate.isBlank()
                        && !Transforms.aliases(config, "predicates").contains(predicate.trim())) {
                    typeValue.addErrorMessage("transforms." + alias + ".predicate names '" + predicate
                            + "', which is not listed in 'predicates'");
                }
            }
        }
    }

    private static void add(
            ConfigDef def,
            List<ConfigValue> result,
            Map<String, ConfigKeyInfo> definitions,
            Map<String, ConfigValue> values,
            Set<String> groups,
            String prefix) {
        for (ConfigValue v : result) {
            ConfigDef.ConfigKey key = def.configKeys().get(v.name());
            String name = prefix + v.name();
            if (key != null) {
                if (key.group != null) {
                    groups.add(key.group);
                }
                definitions.put(name, keyInfo(name, key));
            }
            ConfigValue renamed =
                    new ConfigValue(name, v.value(), v.recommendedValues(), new ArrayList<>(v.errorMessages()));
            renamed.visible(v.visible());
            ConfigValue existing = values.get(name);
            if (existing != null) {
                v.errorMessages().forEach(m -> {
                    if (!existing.errorMessages().contains(m)) {
                        existing.addErrorMessage(m);
                    }
                });
            } else {
                values.put(name, renamed);
            }
        }
    }

    public static ConfigKeyInfo keyInfo(String name, ConfigDef.ConfigKey key) {
        boolean required = key.defaultValue == ConfigDef.NO_DEFAULT_VALUE;
        String defaultValue = required || key.defaultValue == null
                ? null
                : key.type == ConfigDef.Type.PASSWORD
                        ? SecretMasker.HIDDEN
                        : ConfigDef.convertToString(key.defaultValue, key.type);
        return new ConfigKeyInfo(
                name,
                key.type.name(),
                required,
                defaultValue,
                key.importance == null ? null : key.importance.name(),
                key.documentation,
                key.group,
                key.orderInGroup,
                key.width == null ? null : key.width.name(),
                key.displayName,
                key.dependents == null ? List.of() : key.dependents);
    }

    private static String valueString(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (v instanceof Class<?> c) {
            return c.getName();
        }
        return v.toString();
    }

    /** The 400 message for an invalid config, Kafka Connect's wording. */
    public static String invalidMessage(ConfigInfos infos) {
        StringBuilder sb = new StringBuilder("Connector configuration is invalid and contains the following ")
                .append(infos.errorCount())
                .append(" error(s):");
        for (ConfigInfo info : infos.configs()) {
            for (String error : info.value().errors()) {
                sb.append('\n').append(error);
            }
        }
        sb.append(
                "\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
        return sb.toString();
    }
}
