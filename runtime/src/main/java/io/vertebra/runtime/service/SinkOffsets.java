package io.vertebra.runtime.service;

import io.vertebra.runtime.rest.RestException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Alters or resets a sink connector's consumer group offsets (KIP-875 shapes: kafka_topic, kafka_partition,
 * kafka_offset). The connector is STOPPED, but in a cluster its tasks may still be leaving the group on other
 * workers: the group coordinator refuses offset changes of a group with members (UNKNOWN_MEMBER_ID), so such a
 * refusal is retried until the members are gone or {@link #MEMBERS_LEAVE_TIMEOUT_MS} passes.
 */
final class SinkOffsets {
    /** How long stopped tasks may take to leave the group: a task's graceful shutdown plus its consumer close. */
    static final long MEMBERS_LEAVE_TIMEOUT_MS = 30_000;

    private static final long RETRY_BACKOFF_MS = 100;

    private SinkOffsets() {}

    static void alter(Admin admin, String group, List<Map<String, Object>> offsets) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEMBERS_LEAVE_TIMEOUT_MS);
        while (true) {
            try {
                alterOnce(admin, group, offsets);
                return;
            } catch (MembersStillThere e) {
                if (System.nanoTime() > deadline) {
                    throw new RestException(
                            500,
                            "Failed to alter the offsets of consumer group " + group + ": its members (the"
                                    + " connector's tasks) did not leave within " + MEMBERS_LEAVE_TIMEOUT_MS
                                    + " ms: " + e.getCause());
                }
                try {
                    Thread.sleep(RETRY_BACKOFF_MS); // backoff between attempts, not synchronization
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RestException(500, "interrupted while altering the offsets of group " + group);
                }
            }
        }
    }

    /** The group still had members when its offsets were to change. */
    private static final class MembersStillThere extends RuntimeException {
        MembersStillThere(Throwable cause) {
            super(cause);
        }
    }

    @SuppressWarnings("unchecked")
    private static void alterOnce(Admin admin, String group, List<Map<String, Object>> offsets) {
        try {
            if (offsets == null) {
                Map<TopicPartition, OffsetAndMetadata> current = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                if (!current.isEmpty()) {
                    admin.deleteConsumerGroupOffsets(group, current.keySet())
                            .all()
                            .get(30, TimeUnit.SECONDS);
                }
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> alter = new HashMap<>();
            Set<TopicPartition> delete = new HashSet<>();
            for (Map<String, Object> entry : offsets) {
                Map<String, Object> partition = (Map<String, Object>) entry.get("partition");
                if (partition == null
                        || !(partition.get("kafka_topic") instanceof String topic)
                        || !(partition.get("kafka_partition") instanceof Number p)) {
                    throw RestException.badRequest("A sink offset partition needs 'kafka_topic' (string) and"
                            + " 'kafka_partition' (number), got: " + partition);
                }
                TopicPartition tp = new TopicPartition(topic, p.intValue());
                Object offset = entry.get("offset");
                if (offset == null) {
                    delete.add(tp);
                } else if (offset instanceof Map<?, ?> o
                        && o.get("kafka_offset") instanceof Number n
                        && n.longValue() >= 0) {
                    alter.put(tp, new OffsetAndMetadata(n.longValue()));
                } else {
                    throw RestException.badRequest(
                            "A sink offset needs 'kafka_offset' (a number >= 0), got: " + offset);
                }
            }
            if (!alter.isEmpty()) {
                admin.alterConsumerGroupOffsets(group, alter).all().get(30, TimeUnit.SECONDS);
            }
            if (!delete.isEmpty()) {
                admin.deleteConsumerGroupOffsets(group, delete).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return;
            }
            if (e.getCause() instanceof UnknownMemberIdException
                    || e.getCause() instanceof GroupNotEmptyException
                    || e.getCause() instanceof GroupSubscribedToTopicException) {
                throw new MembersStillThere(e.getCause());
            }
            throw new RestException(
                    500, "Failed to alter the offsets of consumer group " + group + ": " + e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new RestException(500, "Failed to alter the offsets of consumer group " + group + ": " + e);
        }
    }
}
