package io.vertebra.log.group;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Broker and consumer settings that make group tests fast: short sessions and heartbeats. */
final class GroupTestSettings {
    static final int SESSION_TIMEOUT_MS = 3000;

    private GroupTestSettings() {}

    /** Broker settings: allow short session timeouts. */
    static Map<String, String> fastGroups() {
        return Map.of("group.min.session.timeout.ms", "500");
    }

    /** A classic-protocol consumer of {@code group}, committing by hand. */
    static Map<String, Object> member(String group, String clientId) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        settings.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
        settings.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 20_000);
        settings.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2_000);
        return settings;
    }
}
