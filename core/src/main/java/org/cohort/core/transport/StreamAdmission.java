package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloException;
import org.cohort.core.runtime.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a stream whose hello completed, or refuses it: the peer must still be a member, its certificate
 * must name it (with TLS), and of two streams between the same nodes one wins the tie-break (see
 * {@link StreamTable#admit}). What the peer's last stream left unsent moves to the new one first; when a
 * stream closes, what it left unsent is held for the peer's next stream for a while. Node events go out
 * in the order the table changed.
 *
 * <p>Open from the connection manager's start to its stop; while closed, every hello is refused.
 */
final class StreamAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(StreamAdmission.class);
    /** Set on a channel once its stream is admitted: a dial that ends without it failed. */
    static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("cohort.admitted");
    /** How long a closed stream's unsent messages wait for the peer's next stream. */
    static final long UNSENT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Told when a peer's stream opens and when its live stream closes (the custodian). */
    interface PeerLinks {
        void connected(NodeId peer);

        void disconnected(NodeId peer);
    }

    private final Roster.InForce roster;
    private final StreamTable table;
    private final Map<NodeId, PeerCounters> peerCounters;
    private final TransportCounters counters;
    private final NodeEventDelivery events;
    private final NodeClock clock;
    private final UnsentMessages unsent;
    private volatile PeerLinks links;

    StreamAdmission(Roster.InForce roster, StreamTable table, Map<NodeId, PeerCounters> peerCounters,
            TransportCounters counters, NodeEventDelivery events, NodeClock clock) {
        this.roster = roster;
        this.table = table;
        this.peerCounters = peerCounters;
        this.counters = counters;
        this.events = events;
        this.clock = clock;
        this.unsent = new UnsentMessages(UNSENT_MAX_AGE_NANOS, counters);
    }

    /** Admits streams from now on, telling {@code links} of each one that opens or closes. */
    void open(PeerLinks peerLinks) {
        links = peerLinks;
    }

    /** Refuses every hello from now on, and drops every message held for a peer's next stream. */
    void close() {
        links = null;
    }

    boolean isOpen() {
        return links != null;
    }

    /** Drops what is held for the peers' next streams (once their streams are closed). */
    void dropUnsent() {
        unsent.dropAll();
    }

    /** Called from the hello handler on the channel's event loop: admit the stream or refuse it. */
    Stream admit(Channel channel, Direction direction, Hello peer) throws HelloException {
        if (!isOpen()) {
            throw HelloException.routine("node is stopping");
        }
        Roster now = roster.get();
        ControllerNode member = now.members().get(peer.nodeId());
        PeerCounters peerTraffic = peerCounters.get(peer.nodeId());
        if (member == null || peerTraffic == null) {
            throw HelloException.routine("node " + peer.nodeId() + " left the configuration");
        }
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl != null) {
            checkCertificateNames(ssl, peer);
        }
        Stream stream = new Stream(channel, peer.nodeId(), peer.incarnation(), direction,
                now.settings().outboundQueueBytes(),
                new MessageFramer(now.settings().maxReassemblyBytes(), counters), counters, peerTraffic);
        StreamTable.Admission admission;
        List<OutboundMessage> earlier;
        // Queued for delivery under the table's lock, so that node events reach the delegate in the
        // order the table changed: a stream admitted on one worker and an old one closed on another
        // could otherwise report "detected" before "vanished", leaving a live peer INACTIVE.
        synchronized (table) {
            // What the peer's last stream left unsent goes first, before the stream is live and a sender
            // can queue anything newer on it.
            earlier = unsent.claim(peer.nodeId(), peer.incarnation(), clock.nanoTime());
            stream.requeue(earlier);
            try {
                admission = table.admit(stream, member);
            } catch (HelloException e) {
                unsent.hold(peer.nodeId(), peer.incarnation(), stream.takeUnsent(), clock.nanoTime());
                throw e;
            }
            events.deliver(admission.events());
        }
        if (!earlier.isEmpty()) {
            counters.movedToNewStream.add(earlier.size());
            LOG.info("Moved {} messages the last stream to {} had not sent to {}", earlier.size(), peer.nodeId(),
                    stream);
        }
        channel.attr(ADMITTED).set(Boolean.TRUE);
        counters.streamsOpened.increment();
        peerTraffic.streamsOpened.increment();
        if (admission.replaced() != null) {
            LOG.info("Replacing {} with {}", admission.replaced(), stream);
            admission.replaced().channel().close();
        }
        if (admission.cancelledDial() != null) {
            closeLoser(admission.cancelledDial());
        }
        channel.closeFuture().addListener(closed -> streamClosed(stream));
        PeerLinks current = links;
        if (current != null) {
            current.connected(peer.nodeId());
        }
        LOG.debug("Opened {}", stream);
        return stream;
    }

    /**
     * Closes our dial that lost the race to the peer's. In the middle of a TLS handshake the TLS handler
     * would send an alert the peer cannot decrypt yet and would count as a failed handshake; without it
     * the peer just sees the connection go.
     */
    private static void closeLoser(Channel dial) {
        dial.eventLoop().execute(() -> {
            SslHandler ssl = dial.pipeline().get(SslHandler.class);
            if (ssl != null && !ssl.handshakeFuture().isDone()) {
                dial.pipeline().remove(ssl);
            }
            dial.close();
        });
    }

    private static void checkCertificateNames(SslHandler ssl, Hello peer) throws HelloException {
        Certificate[] chain;
        try {
            chain = ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            chain = null;
        }
        if (chain == null || chain.length == 0 || !TlsContexts.names(chain[0], peer.nodeId())) {
            throw new HelloException(HelloException.Reason.CERTIFICATE_MISMATCH, "its certificate "
                    + (chain == null || chain.length == 0 ? "is missing"
                            : "names " + ((X509Certificate) chain[0]).getSubjectX500Principal())
                    + ", not node " + peer.nodeId());
        }
    }

    private void streamClosed(Stream stream) {
        counters.streamsClosed.increment();
        List<OutboundMessage> unsentHere = stream.takeUnsent();
        List<NodeEvent> lost;
        PeerLinks current = links;
        synchronized (table) { // see admit: events are queued in the order the table changed
            lost = table.closed(stream);
            // Held for the peer's next stream only if this was its live stream (not one a restarted
            // peer's stream replaced) and the peer is still a member.
            if (!lost.isEmpty() && current != null && roster.get().members().containsKey(stream.peer())) {
                unsent.hold(stream.peer(), stream.incarnation(), unsentHere, clock.nanoTime());
            } else {
                unsent.drop(unsentHere);
            }
            events.deliver(lost);
        }
        if (!unsentHere.isEmpty() && !lost.isEmpty()) {
            try {
                stream.channel().eventLoop().schedule(() -> unsent.expire(stream.peer(), clock.nanoTime()),
                        UNSENT_MAX_AGE_NANOS, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Not expiring the unsent messages to {}: stopping", stream.peer());
            }
        }
        if (!lost.isEmpty()) {
            // Issue 16, graceful leave: a peer that said goodbye is not lost (GoodbyeHandler).
            LOG.info(GoodbyeHandler.saidGoodbye(stream.channel()) ? "Closed {}: its peer left" : "Lost {}", stream);
            if (current != null) {
                current.disconnected(stream.peer());
            }
        }
    }
}
