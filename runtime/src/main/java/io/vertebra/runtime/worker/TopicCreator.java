package io.vertebra.runtime.worker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Source topic auto-creation (KIP-158): when a connector sets {@code topic.creation.default.replication.factor} and
 * {@code .partitions}, the first record for a new topic creates it with the settings of the first group in
 * {@code topic.creation.groups} whose {@code include} regex matches (and {@code exclude} does not), else
 * {@code default}. Other {@code topic.creation.<group>.*} keys become topic configs. Owned by one task thread.
 */
final class TopicCreator {
    private record Group(
            String name,
            List<Pattern> include,
            List<Pattern> exclude,
            Optional<Integer> partitions,
            Optional<Short> replicationFactor,
            Map<String, String> configs) {
        boolean matches(String topic) {
            return include.stream().anyMatch(p -> p.matcher(topic).matches())
                    && exclude.stream().noneMatch(p -> p.matcher(topic).matches());
        }
    }

    private final Admin admin;
    private final boolean enabled;
    private final List<Group> groups = new ArrayList<>();
    private final Set<String> known = new HashSet<>();

    TopicCreator(Admin admin, Map<String, String> config, boolean workerEnabled) {
        this.admin = admin;
        this.enabled = workerEnabled && config.containsKey("topic.creation.default.replication.factor");
        if (!enabled) {
            return;
        }
        String names = config.getOrDefault("topic.creation.groups", "");
        for (String name : names.split(",")) {
            if (!name.isBlank()) {
                groups.add(group(name.trim(), config));
            }
        }
        groups.add(group("default", config));
    }

    private static Group group(String name, Map<String, String> config) {
        String prefix = "topic.creation." + name + ".";
        Map<String, String> s = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                s.put(k.substring(prefix.length()), v);
            }
        });
        List<Pattern> include = patterns(name.equals("default") ? ".*" : s.remove("include"));
        List<Pattern> exclude = patterns(s.remove("exclude"));
        String p = s.remove("partitions");
        String rf = s.remove("replication.factor");
        return new Group(
                name,
                include,
                exclude,
                p == null ? Optional.empty() : Optional.of(Integer.parseInt(p.trim())),
                rf == null ? Optional.empty() : Optional.of(Short.parseShort(rf.trim())),
                s);
    }

    private static List<Pattern> patterns(String list) {
        List<Pattern> out = new ArrayList<>();
        if (list != null) {
            for (String p : list.split(",")) {
                if (!p.isBlank()) {
                    out.add(Pattern.compile(p.trim()));
                }
            }
        }
        return out;
    }

    void ensure(String topic) {
        if (!enabled || known.contains(topic)) {
            return;
        }
        Group group = groups.stream().filter(g -> g.matches(topic)).findFirst().orElse(groups.get(groups.size() - 1));
        Group fallback = groups.get(groups.size() - 1);
        Optional<Integer> partitions =
                group.partitions.or(() -> fallback.partitions).filter(n -> n > 0);
        Optional<Short> rf =
                group.replicationFactor.or(() -> fallback.replicationFactor).filter(n -> n > 0);
        NewTopic newTopic = new NewTopic(topic, partitions, rf).configs(group.configs);
        try {
            admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ConnectException(
                        "cannot create topic " + topic + " (topic.creation group " + group.name + "): " + e.getCause(),
                        e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new ConnectException("cannot create topic " + topic + ": " + e, e);
        }
        known.add(topic);
    }
}
