package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.LogConfig;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.replication.Partitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Describes a topic's effective configs the way Kafka does: every topic setting with its value and where it
 * comes from — the topic itself, a dynamic cluster-wide default, the broker's static config, or the built-in
 * default — plus the synonyms chain when asked.
 */
public final class TopicConfigsDescriber {
    private final Partitions partitions;
    private final BrokerConfig brokerConfig;

    public TopicConfigsDescriber(Partitions partitions, BrokerConfig brokerConfig) {
        this.partitions = partitions;
        this.brokerConfig = brokerConfig;
    }

    /** One effective setting of a topic. */
    public record Entry(
            String name,
            String value,
            ConfigSource source,
            List<DescribeConfigsSynonym> synonyms,
            ConfigDef.ConfigKey key) {}

    public List<Entry> describe(TopicImage topic) {
        List<Entry> entries = new ArrayList<>();
        Map<String, String> dynamicBroker = partitions.image().brokerConfigs();
        for (ConfigDef.ConfigKey key : LogConfig.DEFINITION.configKeys().values()) {
            String name = key.name;
            String brokerName = LogConfig.BROKER_SYNONYMS.get(name);
            List<DescribeConfigsSynonym> synonyms = new ArrayList<>();
            String value = null;
            ConfigSource source = null;
            if (topic.configs().containsKey(name)) {
                value = topic.configs().get(name);
                source = ConfigSource.TOPIC_CONFIG;
                synonyms.add(synonym(name, value, ConfigSource.TOPIC_CONFIG));
            }
            if (brokerName != null && dynamicBroker.containsKey(brokerName)) {
                String v = dynamicBroker.get(brokerName);
                synonyms.add(synonym(brokerName, v, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
                if (source == null) {
                    value = v;
                    source = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
                }
            }
            if (brokerName != null && brokerConfig.originals().containsKey(brokerName)) {
                String v = String.valueOf(brokerConfig.originals().get(brokerName));
                synonyms.add(synonym(brokerName, v, ConfigSource.STATIC_BROKER_CONFIG));
                if (source == null) {
                    value = v;
                    source = ConfigSource.STATIC_BROKER_CONFIG;
                }
            }
            String builtIn = key.hasDefault() && key.defaultValue != null
                    ? ConfigDef.convertToString(key.defaultValue, key.type)
                    : null;
            if (source == null) {
                String defaultValue =
                        brokerName != null ? brokerConfig.topicDefaults().get(name) : null;
                value = defaultValue == null ? builtIn : defaultValue;
                source = ConfigSource.DEFAULT_CONFIG;
            }
            // the default ends the chain even when something overrides it, as Kafka lists it
            synonyms.add(synonym(
                    brokerName != null ? brokerName : name,
                    source == ConfigSource.DEFAULT_CONFIG ? value : builtIn,
                    ConfigSource.DEFAULT_CONFIG));
            entries.add(new Entry(name, value, source, synonyms, key));
        }
        return entries;
    }

    private static DescribeConfigsSynonym synonym(String name, String value, ConfigSource source) {
        return new DescribeConfigsSynonym().setName(name).setValue(value).setSource(source.id());
    }

    static byte configType(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN.id();
            case STRING -> ConfigType.STRING.id();
            case INT -> ConfigType.INT.id();
            case SHORT -> ConfigType.SHORT.id();
            case LONG -> ConfigType.LONG.id();
            case DOUBLE -> ConfigType.DOUBLE.id();
            case LIST -> ConfigType.LIST.id();
            case CLASS -> ConfigType.CLASS.id();
            case PASSWORD -> ConfigType.PASSWORD.id();
        };
    }

    /** The configs block of a CreateTopics response. */
    public List<CreatableTopicConfigs> createTopicConfigs(TopicImage topic) {
        List<CreatableTopicConfigs> result = new ArrayList<>();
        for (Entry e : describe(topic)) {
            result.add(new CreatableTopicConfigs()
                    .setName(e.name())
                    .setValue(e.value())
                    .setReadOnly(false)
                    .setConfigSource(e.source().id())
                    .setIsSensitive(false));
        }
        return result;
    }

    /** Fills a DescribeConfigs result for a topic; {@code keys} null means all. */
    public void describeInto(
            TopicImage topic,
            List<String> keys,
            boolean includeSynonyms,
            boolean includeDocumentation,
            DescribeConfigsResult result) {
        for (Entry e : describe(topic)) {
            if (keys != null && !keys.contains(e.name())) {
                continue;
            }
            result.configs().add(newConfig(e, includeSynonyms, includeDocumentation));
        }
    }

    static DescribeConfigsResourceResult newConfig(Entry e, boolean includeSynonyms, boolean includeDocumentation) {
        return new DescribeConfigsResourceResult()
                .setName(e.name())
                .setValue(e.value())
                .setReadOnly(false)
                .setConfigSource(e.source().id())
                .setIsSensitive(false)
                .setSynonyms(includeSynonyms ? e.synonyms() : new ArrayList<>())
                .setConfigType(configType(e.key().type))
                .setDocumentation(includeDocumentation ? e.key().documentation : null);
    }
}
