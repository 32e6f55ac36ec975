package io.vertebra.runtime.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The keys every connector config has, whatever its class (Kafka Connect's {@code ConnectorConfig},
 * {@code SinkConnectorConfig}, {@code SourceConnectorConfig}), declared once: validation, the validate endpoint and
 * the runners all read them from here.
 */
public final class ConnectorConfigDef {
    public static final String NAME = "name";
    public static final String CONNECTOR_CLASS = "connector.class";
    public static final String TASKS_MAX = "tasks.max";
    public static final String KEY_CONVERTER = "key.converter";
    public static final String VALUE_CONVERTER = "value.converter";
    public static final String HEADER_CONVERTER = "header.converter";
    public static final String TRANSFORMS = "transforms";
    public static final String PREDICATES = "predicates";
    public static final String TOPICS = "topics";
    public static final String TOPICS_REGEX = "topics.regex";
    public static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";
    public static final String TOPIC_CREATION_GROUPS = "topic.creation.groups";

    private static final String COMMON = "Common";
    private static final String TRANSFORMS_GROUP = "Transforms";
    private static final String PREDICATES_GROUP = "Predicates";
    private static final String ERROR_GROUP = "Error Handling";

    private ConnectorConfigDef() {}

    public static ConfigDef common() {
        int order = 0;
        int err = 0;
        return new ConfigDef()
                .define(
                        NAME,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyStringWithoutControlChars(),
                        Importance.HIGH,
                        "Globally unique name to use for this connector.",
                        COMMON,
                        ++order,
                        Width.MEDIUM,
                        "Connector name")
                .define(
                        CONNECTOR_CLASS,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        Importance.HIGH,
                        "Name or alias of the class for this connector. Must be a subclass of"
                                + " org.apache.kafka.connect.connector.Connector.",
                        COMMON,
                        ++order,
                        Width.LONG,
                        "Connector class")
                .define(
                        TASKS_MAX,
                        Type.INT,
                        1,
                        Range.atLeast(1),
                        Importance.HIGH,
                        "Maximum number of tasks to use for this connector.",
                        COMMON,
                        ++order,
                        Width.SHORT,
                        "Tasks max")
                .define(
                        "tasks.max.enforce",
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Fail the connector when it generates more tasks than tasks.max.",
                        COMMON,
                        ++order,
                        Width.SHORT,
                        "Enforce tasks max")
                .define(
                        KEY_CONVERTER,
                        Type.STRING,
                        null,
                        Importance.LOW,
                        "Converter class for record keys; the worker's key.converter when not set.",
                        COMMON,
                        ++order,
                        Width.SHORT,
                        "Key converter class")
                .define(
                        VALUE_CONVERTER,
                        Type.STRING,
                        null,
                        Importance.LOW,
                        "Converter class for record values; the worker's value.converter when not set.",
                        COMMON,
                        ++order,
                        Width.SHORT,
                        "Value converter class")
                .define(
                        HEADER_CONVERTER,
                        Type.STRING,
                        null,
                        Importance.LOW,
                        "HeaderConverter class for record headers; the worker's header.converter when not set.",
                        COMMON,
                        ++order,
                        Width.SHORT,
                        "Header converter class")
                .define(
                        "config.action.reload",
                        Type.STRING,
                        "restart",
                        ValidString.in("none", "restart"),
                        Importance.LOW,
                        "What to do when a config provider says a value changed: restart the connector or nothing.",
                        COMMON,
                        ++order,
                        Width.MEDIUM,
                        "Reload action")
                .define(
                        TRANSFORMS,
                        Type.LIST,
                        "",
                        Importance.LOW,
                        "Aliases for the transformations to be applied to records, in order.",
                        TRANSFORMS_GROUP,
                        ++order,
                        Width.LONG,
                        "Transforms")
                .define(
                        PREDICATES,
                        Type.LIST,
                        "",
                        Importance.LOW,
                        "Aliases for the predicates used by transformations.",
                        PREDICATES_GROUP,
                        ++order,
                        Width.LONG,
                        "Predicates")
                .define(
                        "errors.retry.timeout",
                        Type.LONG,
                        0L,
                        Importance.MEDIUM,
                        "The maximum duration in milliseconds that a failed operation will be reattempted. 0: no retries, -1: infinite.",
                        ERROR_GROUP,
                        ++err,
                        Width.MEDIUM,
                        "Retry Timeout for Errors")
                .define(
                        "errors.retry.delay.max.ms",
                        Type.LONG,
                        60_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "The maximum duration in milliseconds between consecutive retry attempts.",
                        ERROR_GROUP,
                        ++err,
                        Width.MEDIUM,
                        "Maximum Delay Between Retries for Errors")
                .define(
                        "errors.tolerance",
                        Type.STRING,
                        "none",
                        ValidString.in("none", "all"),
                        Importance.MEDIUM,
                        "'none' fails the task on the first error; 'all' skips problematic records.",
                        ERROR_GROUP,
                        ++err,
                        Width.SHORT,
                        "Error Tolerance")
                .define(
                        "errors.log.enable",
                        Type.BOOLEAN,
                        false,
                        Importance.MEDIUM,
                        "Log each error and the failed operation.",
                        ERROR_GROUP,
                        ++err,
                        Width.SHORT,
                        "Log Errors")
                .define(
                        "errors.log.include.messages",
                        Type.BOOLEAN,
                        false,
                        Importance.MEDIUM,
                        "Include the failed record's coordinates in the error log.",
                        ERROR_GROUP,
                        ++err,
                        Width.SHORT,
                        "Log Error Details");
    }

    /** The keys of a sink connector config on top of {@link #common()}. */
    public static ConfigDef sink() {
        int order = 100;
        return common().define(
                        TOPICS,
                        Type.LIST,
                        "",
                        Importance.HIGH,
                        "List of topics to consume, separated by commas.",
                        COMMON,
                        ++order,
                        Width.LONG,
                        "Topics")
                .define(
                        TOPICS_REGEX,
                        Type.STRING,
                        "",
                        Importance.HIGH,
                        "Regular expression of the topics to consume.",
                        COMMON,
                        ++order,
                        Width.LONG,
                        "Topics regex")
                .define(
                        DLQ_TOPIC,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Topic for records that failed in conversion, transformation or put (none when empty).",
                        ERROR_GROUP,
                        ++order,
                        Width.MEDIUM,
                        "Dead Letter Queue Topic Name")
                .define(
                        "errors.deadletterqueue.topic.replication.factor",
                        Type.SHORT,
                        (short) -1,
                        Importance.MEDIUM,
                        "Replication factor of the dead letter queue topic when it is created (-1: broker default).",
                        ERROR_GROUP,
                        ++order,
                        Width.MEDIUM,
                        "Dead Letter Queue Topic Replication Factor")
                .define(
                        "errors.deadletterqueue.context.headers.enable",
                        Type.BOOLEAN,
                        false,
                        Importance.MEDIUM,
                        "Add __connect.errors.* headers describing the failure to each dead-lettered record.",
                        ERROR_GROUP,
                        ++order,
                        Width.MEDIUM,
                        "Enable Error Context Headers");
    }

    /** The keys of a source connector config on top of {@link #common()}. */
    public static ConfigDef source() {
        int order = 100;
        return common().define(
                        TOPIC_CREATION_GROUPS,
                        Type.LIST,
                        "",
                        Importance.LOW,
                        "Groups of topic.creation.<group>.* settings applied to new topics matching their include regex.",
                        "Topic Creation",
                        ++order,
                        Width.LONG,
                        "Topic Creation Groups")
                .define(
                        "topic.creation.default.replication.factor",
                        Type.SHORT,
                        null,
                        Importance.LOW,
                        "Replication factor of topics this connector creates (-1: broker default).",
                        "Topic Creation",
                        ++order,
                        Width.SHORT,
                        "Topic creation replication factor")
                .define(
                        "topic.creation.default.partitions",
                        Type.INT,
                        null,
                        Importance.LOW,
                        "Partitions of topics this connector creates (-1: broker default).",
                        "Topic Creation",
                        ++order,
                        Width.SHORT,
                        "Topic creation partitions");
    }
}
