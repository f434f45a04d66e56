package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.DeliveryUnconfirmedException;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.delivery.EnvelopeSender;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.runtime.StreamTransport;
import org.cohort.core.util.LogThrottle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one stream to every other member of the cluster and sends messages over them by node id.
 *
 * <p>It runs the parts and routes: the {@link StreamTransport} listens and gives the streams their IO
 * workers; the {@link Custodian} dials the members without a stream; both sides open with a hello that
 * names the node, and the {@link StreamAdmission} admits the stream; node events go to the
 * cluster-nodes delegate in order ({@link NodeEventDelivery}); incoming messages go to the
 * communications delegate, on the stream's worker, in arrival order. {@link ConnectionStats} tells
 * about it all.
 *
 * <p>Threads, all from the node's runtime, named {@code cohort-*} and stopped by {@link #stop()}: the
 * transport's IO workers and listener, the custodian and the node-event thread.
 */
public final class ConnectionManager implements MessageSender, EnvelopeSender, ClusterStatus {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);

    private final NodeRuntime runtime;
    private final CommunicationsDelegate commsDelegate;
    private final long incarnation;
    private final ControllerNode localNode;
    private final Roster.InForce roster;
    private final TransportCounters counters = new TransportCounters();
    private final SortedMap<NodeId, PeerCounters> peerCounters = new ConcurrentSkipListMap<>();
    private final StreamTable table;
    private final LeastLoadedChooserFactory chooser = new LeastLoadedChooserFactory();
    private final NodeEventDelivery nodeEvents;
    private final Sessions sessions = new Sessions();
    private final SubjectTallies subjectTallies = new SubjectTallies();
    private final MessageRouter router;
    private final StreamAdmission admission;
    private final ConnectionStats stats;
    private final HandshakeGate handshakeGate;
    private final LogThrottle gateWarnings;
    private final StreamErrorHandler errorHandler;
    private final Hello localHello;

    private volatile String transportName;
    private volatile String tlsEngine = "not started";
    private StreamTransport transport;
    private Channel listener;
    private Custodian custodian;
    private volatile boolean running;

    /**
     * @param incarnation this start of the node; must differ from every earlier start
     * @param runtime the node's clock, randomness, executors and transport
     */
    public ConnectionManager(ClusterSettings settings, ClusterNodesDelegate nodesDelegate,
            CommunicationsDelegate commsDelegate, long incarnation, NodeRuntime runtime) {
        Objects.requireNonNull(settings, "settings");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.commsDelegate = Objects.requireNonNull(commsDelegate, "commsDelegate");
        this.incarnation = incarnation;
        this.localNode = settings.localNode();
        this.roster = new Roster.InForce(Roster.of(settings, runtime.randomness()));
        this.table = new StreamTable(localNode.id());
        trackPeers(settings);
        this.nodeEvents = new NodeEventDelivery(Objects.requireNonNull(nodesDelegate, "nodesDelegate"));
        this.admission = new StreamAdmission(roster, table, peerCounters, counters, nodeEvents, runtime.clock(),
                sessions, localNode.id());
        this.router = new MessageRouter(localNode.id(), roster, sessions, commsDelegate, counters, runtime.clock(),
                () -> running);
        this.stats = new ConnectionStats(counters, peerCounters, table, chooser, sessions);
        this.localHello = new Hello(HelloCodec.VERSION, settings.clusterName(), localNode.id(), localNode.ip(),
                localNode.tcpPort(), incarnation, Map.of());
        this.errorHandler = new StreamErrorHandler(counters);
        this.handshakeGate = new HandshakeGate(() -> roster.get().addresses());
        this.gateWarnings = new LogThrottle(TimeUnit.MINUTES.toNanos(1), runtime.clock().nanoTime());
    }

    private void trackPeers(ClusterSettings settings) {
        for (ControllerNode member : settings.members()) {
            if (!member.id().equals(localNode.id())) {
                peerCounters.putIfAbsent(member.id(), new PeerCounters(subjectTallies));
            }
        }
    }

    /**
     * Starts the workers, binds the listener and starts dialing.
     *
     * @throws IllegalStateException if the listener cannot bind; everything started is stopped again
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        ClusterSettings settings = roster.get().settings();
        // Fails closed: an unusable store stops the start here, before anything listens.
        TlsContexts tls = settings.tls().enabled() ? TlsContexts.build(settings.tls()) : null;
        try {
            transport = runtime.transport().get();
            transportName = transport.name();
            tlsEngine = tls == null ? "off" : tls.engine();
            transport.start(settings.ioWorkers(), chooser);
            nodeEvents.start(runtime.scheduling());
            router.start(runtime.scheduling());
            PipelineParts parts = new PipelineParts(roster, localHello, tls, admission, handshakeGate, gateWarnings,
                    chooser, counters, errorHandler, commsDelegate, runtime.clock()::nanoTime);
            InetSocketAddress bindAddress = new InetSocketAddress(localNode.ip(), localNode.tcpPort());
            ChannelFuture bound = transport.listen(bindAddress, new StreamInitializer(parts, Direction.INBOUND, null));
            runtime.scheduling().await(bound);
            if (!bound.isSuccess()) {
                throw new IllegalStateException("cannot listen on " + bindAddress + ": " + bound.cause(), bound.cause());
            }
            listener = bound.channel();
            custodian = new Custodian(settings, new Custodian.Dialing(transport, chooser, table, counters,
                    peer -> new StreamInitializer(parts, Direction.OUTBOUND, peer)),
                    runtime.scheduling().newSerialExecutor("custodian"), runtime.clock(), runtime.randomness());
            admission.open(custodian);
            running = true;
            commsDelegate.setSender(this);
            custodian.start();
            LOG.info("Cluster I/O started: node {} (incarnation {}) listening on {}, {} members, {} IO workers, {},"
                    + " TLS {}", localNode.id(), incarnation, bindAddress, settings.members().size(),
                    settings.ioWorkers(), transportName, tls == null ? "off" : "1.3 with the " + tls.engine());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /**
     * Leaves the cluster gracefully and stops: sends are refused from the first moment (STOPPED), no
     * stream is admitted, dialed or accepted any more (the listener closes), then a {@link GracefulLeave}
     * says goodbye on every stream within {@code leave.timeout.ms}; then whatever stream is left closes and
     * every thread this manager started stops.
     */
    public synchronized void stop() {
        boolean wasRunning = running;
        running = false;
        admission.close();
        if (custodian != null) {
            custodian.stop();
            custodian = null;
        }
        if (wasRunning) {
            commsDelegate.setSender(null);
        }
        if (listener != null) {
            runtime.scheduling().await(listener.close());
            listener = null;
        }
        if (wasRunning) { // drain, goodbye, wait for the peers to close: peers see this node left, not failed
            new GracefulLeave(table.all(), sessions.all(), roster.get().settings().leaveTimeout(), runtime.clock(),
                    runtime.scheduling()).run();
        }
        for (Stream stream : table.all()) {
            runtime.scheduling().await(stream.channel().close());
        }
        for (PeerSession session : sessions.all()) {
            session.end(new MessagingException("cluster I/O stopped on " + localNode.id()),
                    new DeliveryUnconfirmedException("cluster I/O stopped on " + localNode.id() + " before "
                            + session.peer + " acknowledged the message"), DeliveryOutcome.STOPPED);
        }
        if (transport != null) {
            transport.stop();
            transport = null;
        }
        nodeEvents.stop();
        router.stop();
        if (wasRunning) {
            LOG.info("Cluster I/O stopped: node {}", localNode.id());
        }
    }

    /**
     * Puts new settings in force without a restart: streams to members that left (or moved) close and
     * are not redialed, new members are dialed, heartbeats and the failure detector of every live stream
     * follow the new settings (with a fresh history), and the limits apply to every send from now on and
     * to the streams opened from now on (the outbound queue limit to live streams too). Streams to
     * members that stay are not touched.
     *
     * @param next settings with the same identity as the ones in force (cluster, node id, own address,
     *     IO workers)
     * @throws IllegalArgumentException if the identity differs: that takes a restart
     */
    public synchronized void reconfigure(ClusterSettings next) {
        ClusterSettings previous = roster.get().settings();
        if (!previous.clusterName().equals(next.clusterName()) || !previous.localNode().equals(next.localNode())
                || previous.ioWorkers() != next.ioWorkers()) {
            throw new IllegalArgumentException("cluster name, local node and IO workers cannot change live");
        }
        Roster nextRoster = Roster.of(next, runtime.randomness());
        List<ControllerNode> gone = previous.members().stream()
                .filter(member -> !member.equals(nextRoster.members().get(member.id()))).toList();
        trackPeers(next);
        // In this order: a hello from a member that left is refused from now on, and the custodian
        // no longer dials it, before its stream is closed.
        roster.set(nextRoster);
        if (custodian != null) {
            custodian.reconfigure(next);
        }
        for (ControllerNode member : gone) {
            if (!nextRoster.members().containsKey(member.id())) {
                peerCounters.remove(member.id());
                PeerSession session = sessions.remove(member.id());
                if (session != null) {
                    session.end(new NodeUnreachableException("node " + member.id() + " left the members"),
                            new DeliveryUnconfirmedException("node " + member.id() + " left the members before it "
                                    + "acknowledged the message"),
                            DeliveryOutcome.REMOVED);
                }
            }
            table.closeAll(member.id());
        }
        for (PeerSession session : sessions.all()) {
            session.limits(SessionLimits.of(next));
        }
        for (Stream stream : table.all()) {
            if (!next.failureDetection().equals(previous.failureDetection())) {
                StreamInitializer.reconfigureHeartbeats(stream.channel(), next.failureDetection());
            }
        }
        LOG.info("Cluster I/O reconfigured: node {}, {} members{}", localNode.id(), nextRoster.members().size(),
                gone.isEmpty() ? "" : ", closed the streams to " + gone.stream().map(ControllerNode::id).toList());
    }

    /** Routes to the local delegate or onto the peer's session; false if refused (see {@link #trySend}). */
    @Override
    public boolean send(NodeId nodeId, ClusterMessage message) {
        return router.route(nodeId, message, null, null).accepted();
    }

    /** Routes to the local delegate or onto the peer's session, or says why not (counted by reason). */
    @Override
    public SendResult trySend(NodeId nodeId, ClusterMessage message) {
        return router.route(nodeId, message, null, null);
    }

    /** Routes a message of this node given by its envelope's fields, without a message object of its own. */
    @Override
    public SendResult send(NodeId nodeId, MessageSubject subject, byte[] payload, byte kind, long requestId,
            byte status) {
        return router.route(nodeId, subject, payload, kind, requestId, status);
    }

    /** Routes the message and tells when the peer accepted it for its subscriber (see {@link MessageRouter}). */
    @Override
    public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
        return router.deliver(nodeId, message, deadline);
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    @Override
    public ClusterSettings settings() {
        return roster.get().settings();
    }

    @Override
    public Map<String, Long> counters() {
        return stats.counters();
    }

    @Override
    public Map<String, Long> handshakesRefusedByReason() {
        return stats.handshakesRefusedByReason();
    }

    @Override
    public SortedMap<NodeId, PeerStats> peers() {
        return stats.peers();
    }

    @Override
    public SortedMap<String, Map<String, Long>> deliveryBySubject() {
        return subjectTallies.snapshot();
    }

    /** The transport the streams use ("native epoll", "NIO", ...); null before the first start. */
    public String transportName() {
        return transportName;
    }

    /**
     * The TLS engine the streams use, as the start line names it ("OpenSSL engine (BoringSSL)", "JDK engine
     * (...)"), "off" without TLS, "not started" before the first start.
     */
    @Override
    public String tlsEngine() {
        return tlsEngine;
    }

    /**
     * The protocol and cipher suite of the open streams' TLS sessions, distinct and sorted (e.g. "TLSv1.3
     * TLS_AES_128_GCM_SHA256"); empty without TLS.
     */
    public SortedSet<String> tlsSessions() {
        SortedSet<String> sessions = new TreeSet<>();
        for (Stream stream : table.all()) {
            SslHandler ssl = stream.channel().pipeline().get(SslHandler.class);
            if (ssl != null && ssl.handshakeFuture().isSuccess()) {
                SSLSession session = ssl.engine().getSession();
                sessions.add(session.getProtocol() + " " + session.getCipherSuite());
            }
        }
        return sessions;
    }

    /** How many streams each IO worker serves. */
    public int[] workerLoads() {
        return stats.workerLoads();
    }

    /** The peers that have a live stream now. */
    public List<NodeId> connectedPeers() {
        return stats.connectedPeers();
    }

    /** The local and remote socket addresses of the live stream to a peer, or an empty list without one. */
    public List<SocketAddress> streamAddresses(NodeId peer) {
        return stats.streamAddresses(peer);
    }

    /** What each peer's session holds now, both ways (all zero once traffic has stopped and streams are up). */
    public SortedMap<NodeId, SessionBalance> sessionBalances() {
        SortedMap<NodeId, SessionBalance> balances = new java.util.TreeMap<>();
        sessions.all().forEach(session -> balances.put(session.peer, session.balance()));
        return balances;
    }

    /** The incarnation the live stream to a peer announced, or -1 without a stream. */
    public long peerIncarnation(NodeId peer) {
        return stats.peerIncarnation(peer);
    }

    // ---- Operator and test hook (issue 16's proof): cluster:disconnect. Kept to this one method. ----

    /**
     * Closes the live stream to a peer at once, with whatever it still queues, as a network fault would;
     * the custodian dials it again as after any closed stream. With {@code reset} the socket closes with
     * SO_LINGER 0, so the peer sees a TCP RST (as {@code ss -K} causes) instead of an orderly FIN.
     *
     * @param peer the other node
     * @param reset whether to reset the connection rather than close it
     * @return whether there was a live stream to close
     */
    public boolean dropStream(NodeId peer, boolean reset) {
        Stream stream = table.get(Objects.requireNonNull(peer, "peer"));
        if (stream == null) {
            return false;
        }
        Channel channel = stream.channel();
        if (reset) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        LOG.info("Closing the stream to {} on request ({})", peer, reset ? "reset" : "close");
        channel.close();
        return true;
    }

    /** For tests in this package that reach a stream's channel. */
    StreamTable table() {
        return table;
    }
}
