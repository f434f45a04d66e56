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
 * {@link StreamTable#admit}). The admitted stream resumes the peer's {@link PeerSession} (a new one for a
 * new incarnation); when it closes, the session waits for the next stream for the resend linger, then
 * fails back what it holds. Node events go out in the order the table changed.
 *
 * <p>Open from the connection manager's start to its stop; while closed, every hello is refused.
 */
final class StreamAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(StreamAdmission.class);
    /** Set on a channel once its stream is admitted: a dial that ends without it failed. */
    static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("cohort.admitted");

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
    private final Sessions sessions;
    private final org.cohort.api.cluster.NodeId localId;
    private volatile PeerLinks links;

    StreamAdmission(Roster.InForce roster, StreamTable table, Map<NodeId, PeerCounters> peerCounters,
            TransportCounters counters, NodeEventDelivery events, NodeClock clock, Sessions sessions,
            org.cohort.api.cluster.NodeId localId) {
        this.roster = roster;
        this.table = table;
        this.peerCounters = peerCounters;
        this.counters = counters;
        this.events = events;
        this.clock = clock;
        this.sessions = sessions;
        this.localId = localId;
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
        StreamTable.Admission admission;
        Stream stream;
        // Queued for delivery under the table's lock, so that node events reach the delegate in the
        // order the table changed: a stream admitted on one worker and an old one closed on another
        // could otherwise report "detected" before "vanished", leaving a live peer INACTIVE.
        synchronized (table) {
            PeerSession session = sessions.open(peer.nodeId(), peer.incarnation(),
                    () -> new PeerSession(localId, peer.nodeId(), peer.incarnation(), SessionLimits.of(now.settings()),
                            peerTraffic, clock));
            stream = new Stream(channel, peer.nodeId(), peer.incarnation(), direction,
                    new MessageFramer(localId, now.settings().maxReassemblyBytes(), counters), counters, peerTraffic, session);
            admission = table.admit(stream, member);
            // The stream resumes the session only once admitted: a refused one never writes.
            session.attach(stream);
            events.deliver(admission.events());
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
        List<NodeEvent> lost;
        PeerLinks current = links;
        boolean waits;
        synchronized (table) { // see admit: events are queued in the order the table changed
            lost = table.closed(stream);
            waits = stream.session().detached(stream);
            events.deliver(lost);
        }
        if (waits) {
            // Not on the closed channel's loop: it may be shutting down with the node; the session's expiry
            // tolerates being late, and a stop fails everything anyway.
            try {
                stream.channel().eventLoop().schedule(() -> stream.session().expireIfDetached(lingerNanos()),
                        lingerNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Not expiring the session with {}: stopping", stream.peer());
            }
        }
        if (lost.stream().anyMatch(NodeEvent.Left.class::isInstance)) {
            // It drained what it had accepted before its goodbye; what it never acknowledged of ours, it
            // will not: its senders hear now, not after the linger.
            int failed = stream.session().left();
            if (failed > 0) {
                LOG.info("{} messages to {} failed back: it left before acknowledging them", failed, stream.peer());
            }
        }
        if (!lost.isEmpty()) {
            // A peer that said goodbye is not lost (GoodbyeHandler).
            LOG.info(GoodbyeHandler.saidGoodbye(stream.channel()) ? "Closed {}: its peer left" : "Lost {}", stream);
            if (current != null) {
                current.disconnected(stream.peer());
            }
        }
    }

    private long lingerNanos() {
        return SessionLimits.of(roster.get().settings()).lingerNanos();
    }
}
