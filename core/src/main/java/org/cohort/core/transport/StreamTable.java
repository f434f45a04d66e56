package org.cohort.core.transport;

import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.HelloException;

/**
 * Which stream serves each peer, and the rules that keep it to exactly one per pair.
 *
 * <ul>
 *   <li>Simultaneous connects: when a peer's dial arrives while this node's own dial to it is pending,
 *       the dial of the node with the smaller id wins, on both sides alike. (Giving way to the peer while
 *       our dial is still in TCP connect was tried: the dial can turn active on its own event loop between
 *       the check and its close, and both ends then flap. Under a one-way cut the peers still meet, in a
 *       gap between our dials' timeouts and backoffs.)
 *   <li>A peer that already has a live stream gets no second one: with the same incarnation the newcomer
 *       is refused (the first established stream stays, on both sides); with a different incarnation the
 *       peer restarted, so its old stream is stale and the new one replaces it (vanished, then detected
 *       anew).
 * </ul>
 *
 * Decisions return the node events they cause, in order, for the caller to deliver.
 */
final class StreamTable {

    /** What admitting a stream changes: a stream and a dial to close, and events to deliver. */
    record Admission(Stream replaced, Channel cancelledDial, List<NodeEvent> events) {
    }

    private final NodeId localId;
    private final Map<NodeId, Stream> live = new ConcurrentHashMap<>();
    private final Map<NodeId, Channel> pendingDials = new HashMap<>();

    StreamTable(NodeId localId) {
        this.localId = localId;
    }

    /** The live stream to a peer, or null; lock-free for the send path. */
    Stream get(NodeId peer) {
        return live.get(peer);
    }

    Collection<Stream> all() {
        return List.copyOf(live.values());
    }

    synchronized boolean busy(NodeId peer) {
        return live.containsKey(peer) || pendingDials.containsKey(peer);
    }

    /** Records a dial to the peer unless it has a stream or a dial already; returns whether it did. */
    synchronized boolean tryStartDial(NodeId peer, Channel channel) {
        if (busy(peer)) {
            return false;
        }
        pendingDials.put(peer, channel);
        return true;
    }

    synchronized void dialEnded(NodeId peer, Channel channel) {
        pendingDials.remove(peer, channel);
    }

    synchronized Admission admit(Stream candidate, ControllerNode member) throws HelloException {
        NodeId peer = candidate.peer();
        Stream existing = live.get(peer);
        if (existing != null && existing.incarnation() == candidate.incarnation()) {
            throw HelloException.routine("already connected to " + peer + " by " + existing);
        }
        Channel cancelledDial = null;
        if (candidate.direction() == Direction.INBOUND) {
            Channel ownDial = pendingDials.get(peer);
            if (ownDial != null) {
                if (localId.compareTo(peer) < 0) {
                    throw HelloException.routine("simultaneous connect: keeping the stream " + localId + " dialed");
                }
                pendingDials.remove(peer);
                cancelledDial = ownDial;
            }
        } else if (pendingDials.get(peer) != candidate.channel()) {
            throw HelloException.routine("dial to " + peer + " was superseded by its own dial");
        } else {
            pendingDials.remove(peer);
        }
        List<NodeEvent> events = new ArrayList<>(2);
        live.put(peer, candidate);
        if (existing != null) {
            events.add(new NodeEvent.Vanished(peer));
        }
        events.add(new NodeEvent.Detected(member, candidate.incarnation()));
        return new Admission(existing, cancelledDial, events);
    }

    /** Closes the live stream and the dial under way to a peer, if any: it left the configuration. */
    synchronized void closeAll(NodeId peer) {
        Stream stream = live.get(peer);
        if (stream != null) {
            stream.channel().close();
        }
        Channel dial = pendingDials.get(peer);
        if (dial != null) {
            dial.close();
        }
    }

    /**
     * A stream's channel closed; if it was still the peer's stream, the peer left (it said goodbye on
     * it) or else vanished.
     */
    synchronized List<NodeEvent> closed(Stream stream) {
        if (live.remove(stream.peer(), stream)) {
            return List.of(GoodbyeHandler.saidGoodbye(stream.channel())
                    ? new NodeEvent.Left(stream.peer(), stream.incarnation())
                    : new NodeEvent.Vanished(stream.peer()));
        }
        return List.of();
    }
}
