package io.vertebra.log.controller;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ratis adapter of the metadata log: decodes committed entries (a JSON array of {@link MetadataRecord}s)
 * and hands them to the pure {@link MetadataImage#apply}; image and applied index change together under the
 * lock. Snapshots copy the image under the lock and write it outside. Read-only queries carry broker
 * heartbeats to the leader, where {@link ClusterSupervisor} keeps them.
 *
 * <p>Entry and query format: one type byte, then the payload — {@code 'R'} + JSON records (writes),
 * {@code 'H'} + "brokerId incarnation" (heartbeat queries).
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);
    static final byte RECORDS = 'R';
    static final byte HEARTBEAT = 'H';

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final BiConsumer<MetadataImage, MetadataImage> publisher;
    private final Map<Long, List<CompletableFuture<MetadataImage>>> waiters = new TreeMap<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile ClusterSupervisor supervisor;
    private volatile int leaderId = -1;

    MetadataStateMachine(BiConsumer<MetadataImage, MetadataImage> publisher) {
        this.publisher = publisher;
    }

    void setSupervisor(ClusterSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    MetadataImage image() {
        return image;
    }

    int leaderId() {
        return leaderId;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        loadSnapshot(storage.loadLatestSnapshot());
    }

    @Override
    public void reinitialize() throws IOException {
        loadSnapshot(storage.loadLatestSnapshot());
    }

    private void loadSnapshot(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MetadataImage loaded = MetadataImage.fromSnapshot(
                MetadataJson.read(Files.readAllBytes(file.toPath()), MetadataImage.Snapshot.class));
        synchronized (this) {
            MetadataImage previous = image;
            image = loaded;
            setLastAppliedTermIndex(snapshot.getTermIndex());
            publisher.accept(previous, loaded);
        }
        log.info("metadata loaded from snapshot at index {}", snapshot.getIndex());
    }

    @Override
    public org.apache.ratis.statemachine.StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public long takeSnapshot() throws IOException {
        MetadataImage snapshotImage;
        TermIndex last;
        synchronized (this) {
            snapshotImage = image;
            last = getLastAppliedTermIndex();
        }
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        Files.write(file.toPath(), MetadataJson.write(snapshotImage.toSnapshot()));
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        return last.getIndex();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        RaftProtos.LogEntryProto entry = trx.getLogEntry();
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        long index = entry.getIndex();
        MetadataImage next;
        synchronized (this) {
            MetadataImage previous = image;
            next = previous;
            if (data.length > 0 && data[0] == RECORDS) {
                try {
                    MetadataRecord[] records = MetadataJson.read(
                            java.util.Arrays.copyOfRange(data, 1, data.length), MetadataRecord[].class);
                    for (MetadataRecord record : records) {
                        next = next.apply(record, index);
                    }
                } catch (IOException e) {
                    log.error("skipping undecodable metadata entry at index {}: {}", index, e.toString());
                }
            }
            if (next == previous) {
                next = previous.withOffset(index);
            }
            image = next;
            updateLastAppliedTermIndex(entry.getTerm(), index);
            publisher.accept(previous, next);
            completeWaiters(index, next);
        }
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    /** Completes with the image once the entry at {@code index} is applied here. */
    synchronized CompletableFuture<MetadataImage> awaitApplied(long index) {
        CompletableFuture<MetadataImage> f = new CompletableFuture<>();
        if (image.offset() >= index) {
            f.complete(image);
        } else {
            waiters.computeIfAbsent(index, i -> new java.util.ArrayList<>()).add(f);
        }
        return f;
    }

    private void completeWaiters(long applied, MetadataImage next) {
        var it = waiters.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getKey() > applied) {
                break;
            }
            e.getValue().forEach(f -> f.complete(next));
            it.remove();
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] data = request.getContent().toByteArray();
        if (data.length > 0 && data[0] == HEARTBEAT) {
            String[] fields = new String(data, 1, data.length - 1, StandardCharsets.UTF_8).split(" ");
            ClusterSupervisor s = supervisor;
            if (s != null) {
                s.onHeartbeat(Integer.parseInt(fields[0]), Long.parseLong(fields[1]));
            }
        }
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        int previous = leaderId;
        leaderId = newLeaderId == null ? -1 : Integer.parseInt(newLeaderId.toString());
        ClusterSupervisor s = supervisor;
        if (s != null) {
            s.onLeaderChange(previous, leaderId);
        }
    }
}
