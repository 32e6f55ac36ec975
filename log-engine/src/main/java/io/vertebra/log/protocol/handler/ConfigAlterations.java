package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.LogConfig;
import io.vertebra.log.controller.Controller;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.security.InternalResourceGuard;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * Carries out config changes of TOPIC and BROKER resources for both AlterConfigs (legacy: the given configs become
 * the resource's whole set of explicit settings) and IncrementalAlterConfigs (SET, DELETE, APPEND, SUBTRACT on the
 * current set). Each resource changes in one step on the controller thread, read-modify-write, so concurrent
 * requests never lose each other's updates; a BROKER resource means the cluster-wide dynamic defaults (name
 * {@code ""}).
 *
 * <p>Called on network threads; never blocks: results come back as futures with one {@link ApiError} per
 * resource.
 */
public final class ConfigAlterations {
    /** One requested operation on one config. */
    public record Op(String name, OpType type, String value) {}

    /**
     * The requested change of one resource. {@code replace}: legacy AlterConfigs, the ops are all SETs and make
     * up the new set. {@code opProblem}: an operation code the request carried that no {@link OpType} knows.
     */
    public record Change(byte resourceType, String resourceName, boolean replace, List<Op> ops, String opProblem) {
        String describe() {
            ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
            return type + " '" + resourceName + "'";
        }
    }

    private final Controller controller;
    private final Partitions partitions;
    private final DynamicBrokerConfigs brokerConfigs;
    private final InternalResourceGuard guard;

    public ConfigAlterations(
            Controller controller,
            Partitions partitions,
            DynamicBrokerConfigs brokerConfigs,
            InternalResourceGuard guard) {
        this.controller = controller;
        this.partitions = partitions;
        this.brokerConfigs = brokerConfigs;
        this.guard = guard;
    }

    /**
     * Applies every change (or only checks them, with {@code validateOnly}); results in request order. A change of
     * an internal topic by a principal the {@link InternalResourceGuard} does not trust is TOPIC_AUTHORIZATION_FAILED.
     */
    public CompletableFuture<List<ApiError>> apply(
            List<Change> changes, boolean validateOnly, KafkaPrincipal principal) {
        Map<String, Integer> mentions = new HashMap<>();
        for (Change c : changes) {
            mentions.merge(c.resourceType() + "/" + c.resourceName(), 1, Integer::sum);
        }
        List<CompletableFuture<ApiError>> results = new ArrayList<>();
        for (Change change : changes) {
            if (mentions.get(change.resourceType() + "/" + change.resourceName()) > 1) {
                results.add(CompletableFuture.completedFuture(new ApiError(
                        Errors.INVALID_REQUEST, change.describe() + " appears more than once in the request")));
                continue;
            }
            if (change.resourceType() == ConfigResource.Type.TOPIC.id()) {
                ApiException refused = guard.checkTopic(principal, change.resourceName(), "change the configs of");
                if (refused != null) {
                    results.add(CompletableFuture.completedFuture(ApiError.fromThrowable(refused)));
                    continue;
                }
            }
            try {
                results.add(apply(change, validateOnly));
            } catch (ApiException e) {
                results.add(CompletableFuture.completedFuture(ApiError.fromThrowable(e)));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    List<ApiError> errors = new ArrayList<>();
                    results.forEach(r -> errors.add(r.join()));
                    return errors;
                });
    }

    private CompletableFuture<ApiError> apply(Change change, boolean validateOnly) {
        checkOps(change);
        ConfigResource.Type type = ConfigResource.Type.forId(change.resourceType());
        if (type == ConfigResource.Type.TOPIC) {
            String topic = change.resourceName();
            if (topic == null || topic.isEmpty()) {
                throw new InvalidRequestException("a TOPIC resource needs a topic name; topics have no default"
                        + " resource (change the cluster-wide defaults on the BROKER resource \"\")");
            }
            Controller.validateTopicName(topic);
            return controller.alterTopicConfigs(
                    topic,
                    current -> next(current, change, LogConfig.DEFINITION.configKeys()::get, this::effectiveTopicValue),
                    validateOnly);
        }
        if (type == ConfigResource.Type.BROKER) {
            if (!brokerConfigs.isClusterDefault(change.resourceName())) {
                if (!change.replace()
                        && !change.ops().isEmpty()
                        && change.ops().stream().allMatch(op -> op.type() == OpType.DELETE)) {
                    // nothing is ever set per broker, so removing a per-broker value changes nothing: this is how
                    // kafka-reassign-partitions --verify clears replication throttles when a move completes
                    return CompletableFuture.completedFuture(ApiError.NONE);
                }
                throw new InvalidRequestException("per-broker dynamic configs are not supported; change the"
                        + " cluster-wide default instead (BROKER resource \"\", kafka-configs --entity-default)");
            }
            return controller.alterBrokerConfigs(
                    current -> {
                        Map<String, String> next = next(
                                current,
                                change,
                                BrokerConfig.DEFINITION.configKeys()::get,
                                name -> current.getOrDefault(name, brokerConfigs.staticValue(name)));
                        brokerConfigs.validate(next);
                        return next;
                    },
                    validateOnly);
        }
        if (type == ConfigResource.Type.BROKER_LOGGER) {
            throw new InvalidRequestException("log levels cannot be changed over the Kafka protocol on this broker");
        }
        throw new InvalidRequestException("cannot alter configs of resource type " + type + " (" + change.resourceType()
                + "); TOPIC and BROKER resources can be altered");
    }

    /** Request-level problems: unknown operations, a config named twice, a value missing where one is needed. */
    private static void checkOps(Change change) {
        if (change.opProblem() != null) {
            throw new InvalidRequestException(change.opProblem() + " for " + change.describe());
        }
        Set<String> names = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (Op op : change.ops()) {
            if (!names.add(op.name())) {
                throw new InvalidRequestException(
                        "config '" + op.name() + "' appears more than once for " + change.describe());
            }
            if (op.value() == null && op.type() != OpType.DELETE) {
                missing.add(op.name());
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidRequestException("config(s) " + missing + " of " + change.describe() + " have no value"
                    + (change.replace()
                            ? "; leave a config out of AlterConfigs to reset it to its default"
                            : "; use DELETE to reset a config to its default"));
        }
    }

    /**
     * The explicit settings after {@code change}. APPEND and SUBTRACT work on list configs only and start from
     * the effective value when the config is not set explicitly (so APPEND compact to the default
     * {@code cleanup.policy=delete} gives {@code delete,compact}).
     */
    static Map<String, String> next(
            Map<String, String> current,
            Change change,
            Function<String, ConfigDef.ConfigKey> keys,
            Function<String, String> effectiveValue) {
        Map<String, String> next = new LinkedHashMap<>(change.replace() ? Map.of() : current);
        for (Op op : change.ops()) {
            switch (op.type()) {
                case SET -> next.put(op.name(), op.value());
                case DELETE -> next.remove(op.name());
                case APPEND, SUBTRACT -> {
                    ConfigDef.ConfigKey key = keys.apply(op.name());
                    if (key == null) {
                        throw new InvalidConfigurationException(
                                "unknown config '" + op.name() + "' for " + change.describe());
                    }
                    if (key.type != ConfigDef.Type.LIST) {
                        throw new InvalidConfigurationException("cannot " + op.type() + " to config '" + op.name()
                                + "': its type is " + key.type + ", and only LIST configs take APPEND and SUBTRACT");
                    }
                    String base = next.containsKey(op.name()) ? next.get(op.name()) : effectiveValue.apply(op.name());
                    List<String> values = split(base);
                    if (op.type() == OpType.APPEND) {
                        for (String v : split(op.value())) {
                            if (!values.contains(v)) {
                                values.add(v);
                            }
                        }
                    } else {
                        values.removeAll(split(op.value()));
                    }
                    next.put(op.name(), String.join(",", values));
                }
            }
        }
        return next;
    }

    private static List<String> split(String list) {
        List<String> values = new ArrayList<>();
        if (list == null) {
            return values;
        }
        Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .forEach(values::add);
        return values;
    }

    private String effectiveTopicValue(String name) {
        String inherited = partitions.topicDefaults().get(name);
        if (inherited != null) {
            return inherited;
        }
        ConfigDef.ConfigKey key = LogConfig.DEFINITION.configKeys().get(name);
        return key.defaultValue == null ? null : ConfigDef.convertToString(key.defaultValue, key.type);
    }
}
