package org.cohort.core.transport;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    PeerSession get(NodeId peer) {
        return byPeer.get(peer);
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
        return byPeer.remove(peer);
    }
}
