package io.vertebra.log.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * Elections never pick a replica whose broker reported the partition's log offline: not the unclean election of a
 * topic that allows it, not ElectLeaders UNCLEAN, not the preferred-leader election. The offline replicas survive
 * every other change of the partition and a record or snapshot that predates them reads as "none offline".
 */
class PartitionElectionsTest {
    private static final Uuid TOPIC = Uuid.randomUuid();

    /** Brokers 1..3 live; topic "t" with one partition on replicas 1, 2, 3. */
    private static MetadataImage image() {
        MetadataImage image = MetadataImage.EMPTY;
        long offset = 0;
        for (int id = 1; id <= 3; id++) {
            image = image.apply(new MetadataRecord.RegisterBroker(id, "127.0.0.1", 9090 + id, null, 1), offset++);
        }
        return image.apply(
                new MetadataRecord.CreateTopic("t", TOPIC.toString(), Map.of(), List.of(List.of(1, 2, 3))), offset);
    }

    private static MetadataImage change(
            MetadataImage image, List<Integer> isr, int leader, List<Integer> offlineReplicas) {
        PartitionImage p = image.topic("t").partition(0);
        return image.apply(
                new MetadataRecord.ChangePartition(
                        TOPIC.toString(),
                        0,
                        p.replicas(),
                        isr,
                        leader,
                        p.leaderEpoch() + 1,
                        List.of(),
                        List.of(),
                        null,
                        offlineReplicas),
                image.offset() + 1);
    }

    private static PartitionImage partition(MetadataImage image) {
        return image.topic("t").partition(0);
    }

    @Test
    void anUncleanElectionSkipsReplicasReportedOffline() {
        // broker 2's log of t-0 is offline: it left the ISR; broker 1 leads alone, broker 3 lags
        MetadataImage image = change(image(), List.of(1), 1, List.of(2));
        PartitionImage next = PartitionElections.elect(image, partition(image), Set.of(1), Set.of(), true);
        assertEquals(3, next.leader(), "the live replica that can serve, not the offline one listed before it");
        assertEquals(List.of(3), next.isr());

        MetadataImage bothOffline = change(image(), List.of(1), 1, List.of(2, 3));
        next = PartitionElections.elect(bothOffline, partition(bothOffline), Set.of(1), Set.of(), true);
        assertEquals(-1, next.leader(), "no replica can serve: the partition stays offline");
        assertEquals(List.of(1), next.isr(), "the ISR keeps the replica with every acknowledged write");
        assertEquals(List.of(2, 3), next.offlineReplicas());
    }

    @Test
    void aCleanOrPreferredElectionSkipsThemToo() {
        // broker 1, the preferred leader, is the last in-sync replica but cannot serve; broker 2 leads
        MetadataImage image = change(image(), List.of(1, 2), 2, List.of(1));
        assertNull(PartitionElections.preferred(image, partition(image)));
        PartitionImage next = PartitionElections.elect(image, partition(image), Set.of(2), Set.of(), false);
        assertEquals(-1, next.leader(), "the offline in-sync replica is not elected");
    }

    @Test
    void offlineReplicasSurviveOtherChangesAndOldRecordsReadAsNone() throws Exception {
        MetadataImage image = change(image(), List.of(1, 3), 1, List.of(2));
        // an ISR change that does not mention them (null) keeps them
        image = change(image, List.of(1), 1, null);
        assertEquals(List.of(2), partition(image).offlineReplicas());
        MetadataImage back = MetadataImage.fromSnapshot(
                MetadataJson.read(MetadataJson.write(image.toSnapshot()), MetadataImage.Snapshot.class));
        assertEquals(List.of(2), partition(back).offlineReplicas(), "kept in snapshots");

        String old =
                "{\"type\":\"change-partition\",\"topicId\":\"" + TOPIC + "\",\"partition\":0,\"replicas\":[1,2,3],"
                        + "\"isr\":[1,3],\"leader\":3,\"leaderEpoch\":9,\"addingReplicas\":[],\"removingReplicas\":[]}";
        MetadataRecord record =
                MetadataJson.read(old.getBytes(java.nio.charset.StandardCharsets.UTF_8), MetadataRecord.class);
        assertEquals(
                List.of(2), partition(image.apply(record, image.offset() + 1)).offlineReplicas());
        TopicImage fresh = image().topic("t");
        assertEquals(List.of(), fresh.partition(0).offlineReplicas());
    }
}
