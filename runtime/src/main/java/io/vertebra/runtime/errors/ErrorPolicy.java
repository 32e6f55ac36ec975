package io.vertebra.runtime.errors;

import java.util.Map;

/**
 * A connector's {@code errors.*} settings, parsed once per task.
 *
 * @param retryTimeoutMs {@code errors.retry.timeout}: how long a retriable failure is retried (0: never, -1: forever)
 * @param retryDelayMaxMs {@code errors.retry.delay.max.ms}: the cap of the exponential backoff between retries
 * @param tolerateAll {@code errors.tolerance=all}: skip a failing record instead of failing the task
 * @param log {@code errors.log.enable}
 * @param logMessages {@code errors.log.include.messages}
 * @param dlqTopic {@code errors.deadletterqueue.topic.name}, empty for none (sink connectors only)
 * @param dlqReplicationFactor {@code errors.deadletterqueue.topic.replication.factor}
 * @param dlqContextHeaders {@code errors.deadletterqueue.context.headers.enable}
 */
public record ErrorPolicy(
        long retryTimeoutMs,
        long retryDelayMaxMs,
        boolean tolerateAll,
        boolean log,
        boolean logMessages,
        String dlqTopic,
        short dlqReplicationFactor,
        boolean dlqContextHeaders) {

    public static ErrorPolicy from(Map<String, String> config) {
        return new ErrorPolicy(
                Long.parseLong(config.getOrDefault("errors.retry.timeout", "0").trim()),
                Long.parseLong(config.getOrDefault("errors.retry.delay.max.ms", "60000")
                        .trim()),
                "all"
                        .equalsIgnoreCase(
                                config.getOrDefault("errors.tolerance", "none").trim()),
                Boolean.parseBoolean(
                        config.getOrDefault("errors.log.enable", "false").trim()),
                Boolean.parseBoolean(config.getOrDefault("errors.log.include.messages", "false")
                        .trim()),
                config.getOrDefault("errors.deadletterqueue.topic.name", "").trim(),
                Short.parseShort(config.getOrDefault("errors.deadletterqueue.topic.replication.factor", "-1")
                        .trim()),
                Boolean.parseBoolean(config.getOrDefault("errors.deadletterqueue.context.headers.enable", "false")
                        .trim()));
    }

    public static ErrorPolicy failFast() {
        return new ErrorPolicy(0, 60_000, false, false, false, "", (short) -1, false);
    }
}
