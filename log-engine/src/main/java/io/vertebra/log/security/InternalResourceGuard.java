package io.vertebra.log.security;

import io.vertebra.log.config.BrokerConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The floor of authorization until ACLs exist: internal topics and the Connect worker group belong to the node.
 * Only a trusted principal — the node credential ({@value NodeCredential#USER}), the inter-broker user of a SASL
 * listener, or a user of {@code super.users} — may produce to an internal topic, create, delete or reconfigure
 * one (configs, partitions, DeleteRecords), or act in the worker group (join, sync, heartbeat, leave, commit or
 * delete offsets, delete the group). Everyone else gets TOPIC_AUTHORIZATION_FAILED or GROUP_AUTHORIZATION_FAILED,
 * which Kafka clients report as {@code TopicAuthorizationException} / {@code GroupAuthorizationException}. Reads
 * (Fetch, Metadata, DescribeConfigs, OffsetFetch) and every other topic are not affected.
 *
 * <p>Internal topics: {@code __consumer_offsets}, {@code __transaction_state} and the topics of
 * {@link InternalResources}. A check is one set lookup per topic or group named in a request. Immutable and
 * thread-safe.
 */
public final class InternalResourceGuard {
    /** Topics the broker itself owns. */
    static final Set<String> BROKER_TOPICS =
            Set.of(Topic.GROUP_METADATA_TOPIC_NAME, Topic.TRANSACTION_STATE_TOPIC_NAME);

    /** The guard of a broker without a worker and without {@code super.users}: its own topics, no group. */
    public static final InternalResourceGuard BROKER_TOPICS_ONLY =
            new InternalResourceGuard(BROKER_TOPICS, Set.of(), Set.of(NodeCredential.PRINCIPAL));

    private final Set<String> topics;
    private final Set<String> groups;
    private final Set<KafkaPrincipal> trusted;

    InternalResourceGuard(Set<String> topics, Set<String> groups, Set<KafkaPrincipal> trusted) {
        this.topics = Set.copyOf(topics);
        this.groups = Set.copyOf(groups);
        this.trusted = Set.copyOf(trusted);
    }

    /**
     * The guard of a broker: its own topics plus {@code internal}, trusting the node credential, the inter-broker
     * user of a SASL listener and {@code super.users}. Throws a {@link ConfigException} naming each malformed
     * entry of {@code super.users}.
     */
    public static InternalResourceGuard from(
            BrokerConfig config, ListenerSecurity security, InternalResources internal) {
        Set<String> topics = new HashSet<>(BROKER_TOPICS);
        topics.addAll(internal.topics());
        Set<KafkaPrincipal> trusted = new HashSet<>(parseSuperUsers(config.getString(BrokerConfig.SUPER_USERS)));
        trusted.add(NodeCredential.PRINCIPAL);
        if (security.sasl() && security.interBrokerUser() != null) {
            trusted.add(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, security.interBrokerUser()));
        }
        return new InternalResourceGuard(topics, internal.groups(), trusted);
    }

    /** Parses Kafka's {@code super.users}: {@code User:alice;User:bob}. */
    static Set<KafkaPrincipal> parseSuperUsers(String value) {
        Set<KafkaPrincipal> users = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (String entry : value == null ? new String[0] : value.split(";")) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String type = colon < 0 ? "" : trimmed.substring(0, colon);
            String name = colon < 0 ? "" : trimmed.substring(colon + 1).trim();
            if (!type.equals(KafkaPrincipal.USER_TYPE) || name.isEmpty()) {
                problems.add("'" + trimmed + "'");
                continue;
            }
            users.add(new KafkaPrincipal(KafkaPrincipal.USER_TYPE, name));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(BrokerConfig.SUPER_USERS + ": " + String.join(", ", problems)
                    + (problems.size() == 1 ? " is not" : " are not") + " a principal; write each as User:<name>,"
                    + " separated by ';' (User:alice;User:CN=app,O=example)");
        }
        return users;
    }

    /** True for the node's own clients and the super users. */
    public boolean trusts(KafkaPrincipal principal) {
        return trusted.contains(principal);
    }

    public boolean isInternalTopic(String topic) {
        return topic != null && topics.contains(topic);
    }

    /** Null when {@code principal} may change {@code topic}, else the error to answer with. */
    public TopicAuthorizationException checkTopic(KafkaPrincipal principal, String topic, String action) {
        if (!isInternalTopic(topic) || trusts(principal)) {
            return null;
        }
        return new TopicAuthorizationException(principal + " may not " + action + " '" + topic + "': it is an"
                + " internal topic, which only the node itself and super.users may change");
    }

    /** Null when {@code principal} may act in {@code group}, else the error to answer with. */
    public GroupAuthorizationException checkGroup(KafkaPrincipal principal, String group) {
        if (group == null || !groups.contains(group) || trusts(principal)) {
            return null;
        }
        return new GroupAuthorizationException(principal + " may not act in group '" + group + "': it is the"
                + " node's Connect worker group, which only the node itself and super.users may join or change");
    }

    @Override
    public String toString() {
        return "InternalResourceGuard[topics=" + topics + ", groups=" + groups + ", trusted=" + trusted + "]";
    }
}
