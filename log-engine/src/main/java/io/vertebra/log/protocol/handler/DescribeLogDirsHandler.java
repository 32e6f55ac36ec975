package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.storage.PartitionLog;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;

/**
 * DescribeLogDirs: this broker's one log directory (absolute path, size and free space of its volume) with the
 * replicas it holds, each with its size on disk and its offset lag (how far its log end is behind the high
 * watermark it knows; 0 on a leader).
 * Topics or partitions asked for that this broker does not hold are left out, as in Kafka.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
    private final Partitions partitions;
    private final Path logDir;

    public DescribeLogDirsHandler(Partitions partitions, Path logDir) {
        this.partitions = partitions;
        this.logDir = logDir.toAbsolutePath().normalize();
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DescribeLogDirsRequestData data = ((DescribeLogDirsRequest) request).data();
        Map<String, List<Partition>> byTopic = new TreeMap<>();
        if (data.topics() == null) {
            for (Partition p : partitions.all().values()) {
                byTopic.computeIfAbsent(p.topicPartition().topic(), t -> new ArrayList<>())
                        .add(p);
            }
        } else {
            for (DescribableLogDirTopic topic : data.topics()) {
                for (int index : topic.partitions()) {
                    Partition p = partitions.get(new TopicPartition(topic.topic(), index));
                    if (p != null) {
                        byTopic.computeIfAbsent(topic.topic(), t -> new ArrayList<>())
                                .add(p);
                    }
                }
            }
        }
        DescribeLogDirsResult dir =
                new DescribeLogDirsResult().setLogDir(logDir.toString()).setErrorCode(Errors.NONE.code());
        volumeBytes(dir);
        for (Map.Entry<String, List<Partition>> topic : byTopic.entrySet()) {
            DescribeLogDirsTopic t = new DescribeLogDirsTopic().setName(topic.getKey());
            topic.getValue()
                    .sort((a, b) -> Integer.compare(
                            a.topicPartition().partition(), b.topicPartition().partition()));
            for (Partition p : topic.getValue()) {
                PartitionLog log = p.log();
                t.partitions()
                        .add(new DescribeLogDirsPartition()
                                .setPartitionIndex(p.topicPartition().partition())
                                .setPartitionSize(log.size())
                                .setOffsetLag(Math.max(0, log.highWatermark() - log.logEndOffset()))
                                .setIsFutureKey(false));
            }
            dir.topics().add(t);
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
        response.results().add(dir);
        return CompletableFuture.completedFuture(new DescribeLogDirsResponse(response));
    }

    private void volumeBytes(DescribeLogDirsResult dir) {
        try {
            FileStore store = Files.getFileStore(logDir);
            dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            dir.setTotalBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES)
                    .setUsableBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES);
        }
    }
}
