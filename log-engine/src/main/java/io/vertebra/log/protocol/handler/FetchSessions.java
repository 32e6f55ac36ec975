package io.vertebra.log.protocol.handler;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.FetchSessionIdNotFoundException;
import org.apache.kafka.common.errors.InvalidFetchSessionEpochException;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.utils.Time;

/**
 * Incremental fetch sessions (KIP-227): after a full fetch the broker remembers the partitions a client
 * fetches, so later requests list only what changed and responses carry only partitions with news (records, a
 * moved high watermark or log start, an error). Sessions idle for {@link #IDLE_EVICTION_MS} are dropped;
 * a client whose session is gone gets FETCH_SESSION_ID_NOT_FOUND and starts a new one with a full fetch.
 */
public final class FetchSessions {
    static final long IDLE_EVICTION_MS = 120_000;
    static final int MAX_SESSIONS = 1000;

    private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();
    private final Time time;

    public FetchSessions(Time time) {
        this.time = time;
    }

    /** What one partition of a session asks for, and what was last reported to the client. */
    static final class Entry {
        final TopicIdPartition partition;
        long fetchOffset;
        int currentLeaderEpoch;
        int lastFetchedEpoch;
        long followerLogStartOffset;
        int maxBytes;
        long sentHighWatermark = -1;
        long sentLogStartOffset = -1;

        Entry(TopicIdPartition partition) {
            this.partition = partition;
        }
    }

    static final class Session {
        final int id;
        int epoch = 1;
        long lastUsedMs;
        final LinkedHashMap<TopicIdPartition, Entry> entries = new LinkedHashMap<>();

        Session(int id) {
            this.id = id;
        }
    }

    /** The partitions to serve for one request, and how to answer. */
    record Context(int sessionId, boolean incremental, List<Entry> entries, Session session) {}

    /**
     * Resolves the session of a request. {@code requested} are the partitions listed in this request (in order),
     * {@code forgotten} those the client drops. Throws FETCH_SESSION_ID_NOT_FOUND or INVALID_FETCH_SESSION_EPOCH.
     */
    Context open(
            int sessionId,
            int epoch,
            List<Entry> requested,
            List<TopicIdPartition> forgotten,
            boolean allowNewSession) {
        long now = time.milliseconds();
        if (epoch == FetchMetadata.INITIAL_EPOCH || epoch == FetchMetadata.FINAL_EPOCH) {
            if (sessionId != FetchMetadata.INVALID_SESSION_ID) {
                sessions.remove(sessionId);
            }
            if (epoch == FetchMetadata.FINAL_EPOCH || !allowNewSession) {
                return new Context(FetchMetadata.INVALID_SESSION_ID, false, requested, null);
            }
            evictIdle(now);
            if (sessions.size() >= MAX_SESSIONS) {
                return new Context(FetchMetadata.INVALID_SESSION_ID, false, requested, null);
            }
            Session session = new Session(newId());
            session.lastUsedMs = now;
            for (Entry e : requested) {
                session.entries.put(e.partition, e);
            }
            sessions.put(session.id, session);
            return new Context(session.id, false, requested, session);
        }
        if (sessionId == FetchMetadata.INVALID_SESSION_ID) {
            throw new InvalidFetchSessionEpochException("fetch session epoch " + epoch + " without a session id");
        }
        Session session = sessions.get(sessionId);
        if (session == null) {
            throw new FetchSessionIdNotFoundException("fetch session " + sessionId + " is not known");
        }
        synchronized (session) {
            if (session.epoch != epoch) {
                throw new InvalidFetchSessionEpochException(
                        "fetch session " + sessionId + " expects epoch " + session.epoch + ", got " + epoch);
            }
            session.epoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
            session.lastUsedMs = now;
            for (TopicIdPartition gone : forgotten) {
                session.entries.remove(gone);
            }
            for (Entry e : requested) {
                Entry existing = session.entries.get(e.partition);
                if (existing == null) {
                    session.entries.put(e.partition, e);
                } else {
                    existing.fetchOffset = e.fetchOffset;
                    existing.currentLeaderEpoch = e.currentLeaderEpoch;
                    existing.lastFetchedEpoch = e.lastFetchedEpoch;
                    existing.followerLogStartOffset = e.followerLogStartOffset;
                    existing.maxBytes = e.maxBytes;
                }
            }
            return new Context(sessionId, true, new ArrayList<>(session.entries.values()), session);
        }
    }

    private int newId() {
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        return id;
    }

    private void evictIdle(long now) {
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastUsedMs > IDLE_EVICTION_MS) {
                it.remove();
            }
        }
    }

    int size() {
        return sessions.size();
    }
}
