package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.BrokerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;

/**
 * Describes a broker's configs the way Kafka does: every broker setting with its effective value, where it comes
 * from (a dynamic cluster-wide default, the node config, the built-in default) and, when asked, the chain of
 * synonyms in precedence order. The retention settings form one chain ({@code log.retention.ms} over
 * {@code .minutes} over {@code .hours}); unlike Kafka, which reports {@code log.retention.ms=null} when only the
 * hours are set, the value given is the effective one in the described unit.
 *
 * <p>Stateless apart from the static config; the dynamic configs come with each call, from one metadata image.
 */
public final class BrokerConfigsDescriber {
    private static final List<String> RETENTION =
            List.of("log.retention.ms", BrokerConfig.LOG_RETENTION_MINUTES, BrokerConfig.LOG_RETENTION_HOURS);
    private static final long[] RETENTION_UNIT_MS = {1L, 60_000L, 3_600_000L};

    private final BrokerConfig config;

    public BrokerConfigsDescriber(BrokerConfig config) {
        this.config = config;
    }

    /**
     * The configs of this broker ({@code clusterDefault} false: every setting) or of the cluster-wide default
     * resource (true: only the dynamic defaults that are set, as Kafka answers for the resource {@code ""}).
     * {@code keys} null means all.
     */
    public List<DescribeConfigsResourceResult> describe(
            Map<String, String> dynamicDefaults,
            boolean clusterDefault,
            List<String> keys,
            boolean includeSynonyms,
            boolean includeDocumentation) {
        List<DescribeConfigsResourceResult> results = new ArrayList<>();
        Map<String, ConfigDef.ConfigKey> sorted = new TreeMap<>(BrokerConfig.DEFINITION.configKeys());
        for (ConfigDef.ConfigKey key : sorted.values()) {
            if (keys != null && !keys.contains(key.name)) {
                continue;
            }
            if (clusterDefault && !dynamicDefaults.containsKey(key.name)) {
                continue;
            }
            List<DescribeConfigsSynonym> synonyms = clusterDefault
                    ? List.of(synonym(
                            key.name, dynamicDefaults.get(key.name), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG))
                    : synonyms(key.name, dynamicDefaults);
            boolean sensitive = key.type == ConfigDef.Type.PASSWORD;
            String value = synonyms.isEmpty() ? null : valueIn(key.name, synonyms.get(0));
            ConfigSource source = synonyms.isEmpty()
                    ? ConfigSource.DEFAULT_CONFIG
                    : ConfigSource.forId(synonyms.get(0).source());
            if (sensitive) {
                value = null;
                synonyms.forEach(s -> s.setValue(null));
            }
            results.add(new DescribeConfigsResourceResult()
                    .setName(key.name)
                    .setValue(value)
                    .setReadOnly(!DynamicBrokerConfigs.NAMES.contains(key.name))
                    .setConfigSource(source.id())
                    .setIsSensitive(sensitive)
                    .setSynonyms(includeSynonyms ? new ArrayList<>(synonyms) : new ArrayList<>())
                    .setConfigType(TopicConfigsDescriber.configType(key.type))
                    .setDocumentation(includeDocumentation ? key.documentation : null));
        }
        return results;
    }

    /** The names whose values decide {@code name}, highest precedence first (a chain only for retention). */
    private static List<String> chain(String name) {
        int i = RETENTION.indexOf(name);
        return i < 0 ? List.of(name) : RETENTION.subList(i, RETENTION.size());
    }

    /** Kafka's order: every name's dynamic default, then every name's static value, then built-in defaults. */
    private List<DescribeConfigsSynonym> synonyms(String name, Map<String, String> dynamicDefaults) {
        List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
        List<String> chain = chain(name);
        for (String n : chain) {
            if (dynamicDefaults.containsKey(n)) {
                synonyms.add(synonym(n, dynamicDefaults.get(n), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
            }
        }
        for (String n : chain) {
            Object value = config.originals().get(n);
            if (value != null) {
                synonyms.add(synonym(n, String.valueOf(value), ConfigSource.STATIC_BROKER_CONFIG));
            }
        }
        for (String n : chain) {
            ConfigDef.ConfigKey key = BrokerConfig.DEFINITION.configKeys().get(n);
            if (key.hasDefault() && key.defaultValue != null) {
                synonyms.add(
                        synonym(n, ConfigDef.convertToString(key.defaultValue, key.type), ConfigSource.DEFAULT_CONFIG));
            }
        }
        return synonyms;
    }

    /** The value of {@code name} given by {@code winner}, converted when the winner is another retention unit. */
    private static String valueIn(String name, DescribeConfigsSynonym winner) {
        if (winner.name().equals(name) || winner.value() == null) {
            return winner.value();
        }
        long inWinnerUnit = Long.parseLong(winner.value().trim());
        long ms = inWinnerUnit * RETENTION_UNIT_MS[RETENTION.indexOf(winner.name())];
        return Long.toString(ms / RETENTION_UNIT_MS[RETENTION.indexOf(name)]);
    }

    private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }
}
