package org.cohort.core.transport;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.PeerRestartedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session with each peer: one per peer incarnation, made when the first stream to it is admitted and
 * kept while streams come and go. A stream from a new incarnation ends the old session, failing back what
 * it held (the peer restarted before it acknowledged those messages).
 */
final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final Map<NodeId, PeerSession> byPeer = new ConcurrentHashMap<>();
    /** Counts the changes of {@link #byPeer}, after each: what a sender found is still so while it stands. */
    private final AtomicInteger changes = new AtomicInteger();

    PeerSession get(NodeId peer) {
        return byPeer.get(peer);
    }

    /**
     * How many times a session was made or removed so far: read before a {@link #get}, the same count
     * read later means the session found is still the peer's.
     */
    int changes() {
        return changes.get();
    }

    Collection<PeerSession> all() {
        return byPeer.values();
    }

    /** The session for a peer incarnation whose stream is being admitted (under the stream table's lock). */
    PeerSession open(NodeId peer, long incarnation, java.util.function.Supplier<PeerSession> create) {
        PeerSession current = byPeer.get(peer);
        if (current != null && current.peerIncarnation == incarnation) {
            return current;
        }
        PeerSession next = create.get();
        byPeer.put(peer, next);
        changes.incrementAndGet();
        if (current != null) {
            PeerRestartedException restarted = new PeerRestartedException("node " + peer + " restarted");
            int failed = current.end(restarted, restarted,
                    DeliveryOutcome.RESTARTED);
            if (failed > 0) {
                LOG.info("Node {} restarted (incarnation {} -> {}): {} messages it had not acknowledged failed back",
                        peer, current.peerIncarnation, incarnation, failed);
            }
        }
        return next;
    }

    /** Ends and forgets the session with a peer (it left the members). */
    PeerSession remove(NodeId peer) {
        PeerSession removed = byPeer.remove(peer);
        changes.incrementAndGet();
        return removed;
    }
}
