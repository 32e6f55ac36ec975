package io.vertebra.log.controller;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
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
 * {@code 'H'} + "brokerId incarnation" (heartbeat queries) — sealed with {@code controller.secret} when it is set
 * (see {@link EntryAuthenticator}). With a secret, the leader refuses an unsealed or wrongly sealed submission in
 * {@link #startTransaction} (the submitter gets the reason), and no node applies such an entry: it is logged at
 * ERROR and skipped. Entries written before the secret was set stay readable: a node refuses unsealed entries
 * only from the first sealed entry it applied on (kept in {@value #SEALED_FROM_FILE} in the state machine
 * directory).
 */
final class MetadataStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(MetadataStateMachine.class);
    static final byte RECORDS = 'R';
    static final byte HEARTBEAT = 'H';
    static final String SEALED_FROM_FILE = "sealed-from";

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final BiConsumer<MetadataImage, MetadataImage> publisher;
    private final EntryAuthenticator authenticator;
    private Path sealedFromFile;
    /** Index of the first sealed entry applied here (-1: none yet); unsealed entries after it are refused. */
    private long sealedFrom = -1;

    private final Map<Long, List<CompletableFuture<MetadataImage>>> waiters = new TreeMap<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private volatile ClusterSupervisor supervisor;
    private volatile int leaderId = -1;

    MetadataStateMachine(BiConsumer<MetadataImage, MetadataImage> publisher, EntryAuthenticator authenticator) {
        this.publisher = publisher;
        this.authenticator = authenticator;
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
        sealedFromFile =
                raftStorage.getStorageDir().getStateMachineDir().toPath().resolve(SEALED_FROM_FILE);
        if (Files.exists(sealedFromFile)) {
            sealedFrom = Long.parseLong(
                    Files.readString(sealedFromFile, StandardCharsets.UTF_8).trim());
        }
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

    /**
     * The leader's gate: with a secret, a message not sealed with it never enters the log. The refusal travels
     * back to the submitter in the transaction (Ratis answers it with a StateMachineException).
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext context = super.startTransaction(request);
        String refusal =
                authenticator.refusal(request.getMessage().getContent().toByteArray(), System.currentTimeMillis());
        if (refusal != null) {
            log.warn("refused a metadata entry from client {}: {}", request.getClientId(), refusal);
            context.setException(new IOException("metadata entry refused: " + refusal));
        }
        return context;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        RaftProtos.LogEntryProto entry = trx.getLogEntry();
        byte[] logged = entry.getStateMachineLogEntry().getLogData().toByteArray();
        long index = entry.getIndex();
        MetadataImage next;
        synchronized (this) {
            byte[] data = authenticated(logged, entry);
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

    /**
     * The inner entry of {@code logged}, or an empty one (applied as nothing) when this node has a secret and the
     * entry is not sealed with it — an unsealed entry is still applied while no sealed one has been (it predates
     * the secret).
     */
    private byte[] authenticated(byte[] logged, RaftProtos.LogEntryProto entry) {
        if (!authenticator.enabled()) {
            return EntryAuthenticator.inner(logged);
        }
        long index = entry.getIndex();
        if (authenticator.verifies(logged)) {
            if (sealedFrom < 0) {
                sealedFrom = index;
                recordSealedFrom(index);
            }
            return EntryAuthenticator.inner(logged);
        }
        if (!EntryAuthenticator.isSealed(logged) && (sealedFrom < 0 || index < sealedFrom)) {
            return logged;
        }
        log.error(
                "metadata entry {} (term {}, from client {}) is not sealed with this node's controller.secret ({}):"
                        + " skipped, not applied. Every node needs the same controller.secret.",
                index,
                entry.getTerm(),
                ClientId.valueOf(entry.getStateMachineLogEntry().getClientId()),
                EntryAuthenticator.isSealed(logged) ? "wrong HMAC" : "no HMAC");
        return new byte[0];
    }

    private void recordSealedFrom(long index) {
        if (sealedFromFile == null) {
            return; // not initialized with storage (tests of the apply path alone)
        }
        try {
            Path temp = sealedFromFile.resolveSibling(SEALED_FROM_FILE + ".tmp");
            Files.writeString(temp, Long.toString(index), StandardCharsets.UTF_8);
            Files.move(temp, sealedFromFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot record where sealed metadata entries start ({}): {}", sealedFromFile, e.toString());
        }
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
        byte[] sealed = request.getContent().toByteArray();
        String refusal = authenticator.refusal(sealed, System.currentTimeMillis());
        if (refusal != null) {
            return CompletableFuture.failedFuture(new IOException("metadata query refused: " + refusal));
        }
        byte[] data = EntryAuthenticator.inner(sealed);
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
