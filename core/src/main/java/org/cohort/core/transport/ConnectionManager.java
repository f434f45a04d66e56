package org.cohort.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.handshake.HelloException;
import org.cohort.core.handshake.HelloValidator;
import org.cohort.core.handshake.MemberAuthenticator;
import org.cohort.core.messaging.LogThrottle;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.runtime.StreamTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one TCP stream to every other member of the cluster and sends messages over them by node id.
 *
 * <p>A listener accepts peers; a custodian dials the members without a stream; a pool of IO workers
 * serves the streams, each new one going to the least-loaded worker. Both sides open with a hello that
 * names the node. Node events go to the cluster-nodes delegate in order, on their own thread; incoming
 * messages go to the communications delegate, on the stream's worker, in arrival order.
 *
 * <p>Threads it starts, all named {@code cohort-*} and all stopped by {@link #stop()}: the IO workers,
 * the listener, the custodian and the node-event thread.
 */
public final class ConnectionManager implements MessageSender, ClusterStatus {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionManager.class);
    private static final AttributeKey<Boolean> ADMITTED = AttributeKey.valueOf("cohort.admitted");
    private static final long SHUTDOWN_QUIET_MS = 0;
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;
    /** How long a closed stream's unsent messages wait for the peer's next stream. */
    static final long UNSENT_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private volatile ClusterSettings settings;
    private final ClusterNodesDelegate nodesDelegate;
    private final CommunicationsDelegate commsDelegate;
    private final NodeRuntime runtime;
    private final long incarnation;
    private final ControllerNode localNode;
    private volatile Map<NodeId, ControllerNode> members;
    private volatile Set<InetAddress> memberAddresses;
    private final TransportCounters counters = new TransportCounters();
    private final SortedMap<NodeId, PeerCounters> peerCounters = new ConcurrentSkipListMap<>();
    private final StreamTable table;
    private final UnsentMessages unsent;
    private volatile HelloValidator validator;
    private volatile MemberAuthenticator authenticator;
    private final Hello localHello;
    private final LeastLoadedChooserFactory chooser = new LeastLoadedChooserFactory();
    private final StreamErrorHandler errorHandler;
    private final HandshakeGate handshakeGate;
    private final LogThrottle gateWarnings = new LogThrottle(TimeUnit.MINUTES.toNanos(1), System.nanoTime());

    private volatile TlsContexts tls;
    private volatile StreamTransport transport;
    private volatile String transportName;
    private Channel listener;
    private EventExecutor nodeEvents;
    private Custodian custodian;
    private volatile boolean running;

    /**
     * @param incarnation this start of the node; must differ from every earlier start
     * @param runtime the node's clock, randomness, executors and transport
     */
    public ConnectionManager(ClusterSettings settings, ClusterNodesDelegate nodesDelegate,
            CommunicationsDelegate commsDelegate, long incarnation, NodeRuntime runtime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodesDelegate = Objects.requireNonNull(nodesDelegate, "nodesDelegate");
        this.commsDelegate = Objects.requireNonNull(commsDelegate, "commsDelegate");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.incarnation = incarnation;
        this.localNode = settings.localNode();
        this.members = byId(settings.members());
        this.memberAddresses = addresses(settings.members());
        this.table = new StreamTable(localNode.id());
        this.unsent = new UnsentMessages(UNSENT_MAX_AGE_NANOS, counters);
        for (ControllerNode member : settings.members()) {
            if (!member.id().equals(localNode.id())) {
                peerCounters.put(member.id(), new PeerCounters());
            }
        }
        this.validator = new HelloValidator(settings);
        this.authenticator = new MemberAuthenticator(settings.secret());
        this.localHello = new Hello(HelloCodec.VERSION, settings.clusterName(), localNode.id(), localNode.ip(),
                localNode.tcpPort(), incarnation, Map.of());
        this.errorHandler = new StreamErrorHandler(counters);
        this.handshakeGate = new HandshakeGate(() -> memberAddresses);
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
        if (settings.tls().enabled()) {
            // Fails closed: an unusable store stops the start here, before anything listens.
            tls = TlsContexts.build(settings.tls());
        }
        try {
            transport = runtime.transport().get();
            transportName = transport.name();
            transport.start(settings.ioWorkers(), chooser);
            nodeEvents = runtime.scheduling().newSerialExecutor("node-events");
            InetSocketAddress bindAddress = new InetSocketAddress(localNode.ip(), localNode.tcpPort());
            ChannelFuture bound = transport.listen(bindAddress, new StreamInitializer(this, Direction.INBOUND, null))
                    .awaitUninterruptibly();
            if (!bound.isSuccess()) {
                throw new IllegalStateException("cannot listen on " + bindAddress + ": " + bound.cause(), bound.cause());
            }
            listener = bound.channel();
            running = true;
            commsDelegate.setSender(this);
            custodian = new Custodian(this, runtime.scheduling().newSerialExecutor("custodian"));
            custodian.start();
            LOG.info("Cluster I/O started: node {} (incarnation {}) listening on {}, {} members, {} IO workers, {}",
                    localNode.id(), incarnation, bindAddress, members.size(), settings.ioWorkers(), transportName);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Closes every stream and the listener and stops every thread this manager started. */
    public synchronized void stop() {
        boolean wasRunning = running;
        running = false;
        if (custodian != null) {
            custodian.stop();
            custodian = null;
        }
        if (wasRunning) {
            commsDelegate.setSender(null);
        }
        if (listener != null) {
            listener.close().awaitUninterruptibly();
            listener = null;
        }
        for (Stream stream : table.all()) {
            stream.channel().close().awaitUninterruptibly();
        }
        unsent.dropAll();
        if (transport != null) {
            transport.stop();
            transport = null;
        }
        if (nodeEvents != null) {
            // Runs the events already queued, then stops.
            if (!nodeEvents.shutdownGracefully(SHUTDOWN_QUIET_MS, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1_000)) {
                LOG.warn("Node-event thread did not finish within {} ms", SHUTDOWN_TIMEOUT_MS);
            }
            nodeEvents = null;
        }
        if (wasRunning) {
            LOG.info("Cluster I/O stopped: node {}", localNode.id());
        }
    }

    private static Set<InetAddress> addresses(List<ControllerNode> members) {
        return members.stream().map(ControllerNode::ip).collect(Collectors.toUnmodifiableSet());
    }

    private static Map<NodeId, ControllerNode> byId(List<ControllerNode> members) {
        return members.stream().collect(Collectors.toUnmodifiableMap(ControllerNode::id, node -> node));
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
        ClusterSettings previous = settings;
        if (!previous.clusterName().equals(next.clusterName()) || !previous.localNode().equals(next.localNode())
                || previous.ioWorkers() != next.ioWorkers()) {
            throw new IllegalArgumentException("cluster name, local node and IO workers cannot change live");
        }
        Map<NodeId, ControllerNode> nextMembers = byId(next.members());
        List<ControllerNode> gone = previous.members().stream()
                .filter(member -> !member.equals(nextMembers.get(member.id()))).toList();
        for (ControllerNode member : next.members()) {
            if (!member.id().equals(localNode.id())) {
                peerCounters.putIfAbsent(member.id(), new PeerCounters());
            }
        }
        // In this order: a hello from a member that left is refused from now on, and the custodian
        // no longer dials it, before its stream is closed.
        settings = next;
        members = nextMembers;
        memberAddresses = addresses(next.members());
        validator = new HelloValidator(next);
        authenticator = new MemberAuthenticator(next.secret());
        if (custodian != null) {
            custodian.reconfigure(next);
        }
        for (ControllerNode member : gone) {
            if (!nextMembers.containsKey(member.id())) {
                peerCounters.remove(member.id());
            }
            table.closeAll(member.id());
        }
        for (Stream stream : table.all()) {
            stream.maxQueuedBytes(next.outboundQueueBytes());
            if (!next.failureDetection().equals(previous.failureDetection())) {
                stream.channel().eventLoop().execute(() -> {
                    HeartbeatHandler heartbeat = stream.channel().pipeline().get(HeartbeatHandler.class);
                    if (heartbeat != null) {
                        heartbeat.reconfigure(next.failureDetection());
                    }
                });
            }
        }
        LOG.info("Cluster I/O reconfigured: node {}, {} members{}", localNode.id(), nextMembers.size(),
                gone.isEmpty() ? "" : ", closed the streams to " + gone.stream().map(ControllerNode::id).toList());
    }

    @Override
    public boolean send(NodeId nodeId, ClusterMessage message) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(message, "message");
        if (nodeId.equals(localNode.id())) {
            counters.sentLocally.increment();
            commsDelegate.dispatch(message);
            return true;
        }
        if (!members.containsKey(nodeId)) {
            counters.sendRefusedUnknownNode.increment();
            return false;
        }
        Stream stream = table.get(nodeId);
        if (stream == null || !running) {
            counters.sendRefusedNoStream.increment();
            return false;
        }
        if (Envelope.maxEncodedLength(message) > settings.maxMessageBytes()) {
            counters.sendRefusedTooLarge.increment();
            return false;
        }
        return stream.offer(message);
    }

    @Override
    public long incarnation() {
        return incarnation;
    }

    @Override
    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    @Override
    public Map<String, Long> handshakesRefusedByReason() {
        return counters.handshakesRefusedByReason();
    }

    @Override
    public SortedMap<NodeId, PeerStats> peers() {
        SortedMap<NodeId, PeerStats> peers = new TreeMap<>();
        peerCounters.forEach((peer, traffic) -> {
            Stream stream = table.get(peer);
            peers.put(peer, traffic.snapshot(stream == null ? 0 : stream.queuedBytes(), stream != null));
        });
        return peers;
    }

    /** The Netty transport the streams use ("native epoll" or "NIO"); null before the first start. */
    public String transportName() {
        return transportName;
    }

    /** How many streams each IO worker serves. */
    public int[] workerLoads() {
        return chooser.loads();
    }

    /** The peers that have a live stream now. */
    public List<NodeId> connectedPeers() {
        return table.all().stream().map(Stream::peer).sorted().toList();
    }

    /** The local and remote socket addresses of the live stream to a peer, or an empty list without one. */
    public List<SocketAddress> streamAddresses(NodeId peer) {
        Stream stream = table.get(peer);
        return stream == null ? List.of() : List.of(stream.channel().localAddress(), stream.channel().remoteAddress());
    }

    /** The incarnation the live stream to a peer announced, or -1 without a stream. */
    public long peerIncarnation(NodeId peer) {
        Stream stream = table.get(peer);
        return stream == null ? -1 : stream.incarnation();
    }

    // ---- used by the stream pipeline and the custodian ----

    boolean isRunning() {
        return running;
    }

    ControllerNode localNode() {
        return localNode;
    }

    TransportCounters transportCounters() {
        return counters;
    }

    /** The TLS contexts while TLS is on and the manager runs; null otherwise. */
    TlsContexts tls() {
        return tls;
    }

    HandshakeGate handshakeGate() {
        return handshakeGate;
    }

    LogThrottle gateWarnings() {
        return gateWarnings;
    }

    MemberAuthenticator authenticator() {
        return authenticator;
    }

    HelloValidator validator() {
        return validator;
    }

    Hello localHello() {
        return localHello;
    }

    StreamErrorHandler errorHandler() {
        return errorHandler;
    }

    LeastLoadedChooserFactory chooser() {
        return chooser;
    }

    CommunicationsDelegate commsDelegate() {
        return commsDelegate;
    }

    StreamTable table() {
        return table;
    }

    /**
     * Dials a member unless it has a stream or a dial under way; returns at once, the outcome arrives
     * on the channel's futures.
     */
    void dial(ControllerNode member, Runnable onFailure) {
        StreamTransport current = transport;
        if (current == null || table.busy(member.id())) {
            return;
        }
        EventLoop worker = (EventLoop) chooser.reserve();
        ChannelFuture registered = current.newDialChannel(worker, settings.connectTimeout(),
                new StreamInitializer(this, Direction.OUTBOUND, member.id()));
        Channel channel = registered.channel();
        channel.closeFuture().addListener(closed -> chooser.release(worker));
        // The dial is pending before a byte leaves, and atomically with the check that there is no stream:
        // a crossing dial from the peer then always sees it, and the tie-break holds on both sides.
        if (!table.tryStartDial(member.id(), channel)) {
            channel.close();
            return;
        }
        counters.dials.increment();
        channel.closeFuture().addListener(closed -> {
            table.dialEnded(member.id(), channel);
            if (!Boolean.TRUE.equals(channel.attr(ADMITTED).get())) {
                counters.dialFailures.increment();
                onFailure.run();
            }
        });
        registered.addListener(done -> {
            if (!done.isSuccess()) {
                channel.close();
                return;
            }
            // Bind to our own member address first: on 127/8 the kernel would otherwise pick 127.0.0.1.
            channel.connect(new InetSocketAddress(member.ip(), member.tcpPort()),
                    new InetSocketAddress(localNode.ip(), 0)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        });
    }

    /** Called from the hello handler on the channel's event loop: admit the stream or refuse it. */
    Runnable admit(Channel channel, Direction direction, Hello peer) throws HelloException {
        if (!running) {
            throw HelloException.routine("node is stopping");
        }
        ControllerNode member = members.get(peer.nodeId());
        PeerCounters peerTraffic = peerCounters.get(peer.nodeId());
        if (member == null || peerTraffic == null) {
            throw HelloException.routine("node " + peer.nodeId() + " left the configuration");
        }
        if (tls != null) {
            checkCertificateNames(channel, peer);
        }
        Stream stream = new Stream(channel, peer.nodeId(), peer.incarnation(), direction,
                settings.outboundQueueBytes(),
                new MessageFramer(settings.maxReassemblyBytes(), counters), counters, peerTraffic);
        StreamTable.Admission admission;
        List<OutboundMessage> earlier;
        // Queued for delivery under the table's lock, so that node events reach the delegate in the
        // order the table changed: a stream admitted on one worker and an old one closed on another
        // could otherwise report "detected" before "vanished", leaving a live peer INACTIVE.
        synchronized (table) {
            // What the peer's last stream left unsent goes first, before the stream is live and a sender
            // can queue anything newer on it.
            earlier = unsent.claim(peer.nodeId(), peer.incarnation(), System.nanoTime());
            stream.requeue(earlier);
            try {
                admission = table.admit(stream, member);
            } catch (HelloException e) {
                unsent.hold(peer.nodeId(), peer.incarnation(), stream.takeUnsent(), System.nanoTime());
                throw e;
            }
            deliver(admission.events());
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
        if (custodian != null) {
            custodian.connected(peer.nodeId());
        }
        LOG.debug("Opened {}", stream);
        return () -> StreamInitializer.installMessagePipeline(this, channel, stream);
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

    private static void checkCertificateNames(Channel channel, Hello peer) throws HelloException {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        java.security.cert.Certificate[] chain;
        try {
            chain = ssl == null ? null : ssl.engine().getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            chain = null;
        }
        if (chain == null || chain.length == 0 || !TlsContexts.names(chain[0], peer.nodeId())) {
            throw new HelloException(HelloException.Reason.CERTIFICATE_MISMATCH, "its certificate "
                    + (chain == null || chain.length == 0 ? "is missing"
                            : "names " + ((java.security.cert.X509Certificate) chain[0]).getSubjectX500Principal())
                    + ", not node " + peer.nodeId());
        }
    }

    private void streamClosed(Stream stream) {
        counters.streamsClosed.increment();
        List<OutboundMessage> unsentHere = stream.takeUnsent();
        List<NodeEvent> events;
        synchronized (table) { // see admit: events are queued in the order the table changed
            events = table.closed(stream);
            // Held for the peer's next stream only if this was its live stream (not one a restarted
            // peer's stream replaced) and the peer is still a member.
            if (!events.isEmpty() && running && members.containsKey(stream.peer())) {
                unsent.hold(stream.peer(), stream.incarnation(), unsentHere, System.nanoTime());
            } else {
                unsent.drop(unsentHere);
            }
            deliver(events);
        }
        if (!unsentHere.isEmpty() && !events.isEmpty()) {
            try {
                stream.channel().eventLoop().schedule(() -> unsent.expire(stream.peer(), System.nanoTime()),
                        UNSENT_MAX_AGE_NANOS, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                LOG.debug("Not expiring the unsent messages to {}: stopping", stream.peer());
            }
        }
        if (!events.isEmpty()) {
            LOG.info("Lost {}", stream);
            Custodian current = custodian;
            if (current != null && running) {
                current.disconnected(stream.peer());
            }
        }
    }

    private void deliver(List<NodeEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        EventExecutor executor = nodeEvents;
        if (executor == null || executor.isShuttingDown()) {
            return;
        }
        try {
            executor.execute(() -> {
                for (NodeEvent event : events) {
                    try {
                        if (event instanceof NodeEvent.Detected detected) {
                            nodesDelegate.nodeDetected(detected.node(), detected.incarnation());
                        } else if (event instanceof NodeEvent.Vanished vanished) {
                            nodesDelegate.nodeVanished(vanished.nodeId());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("Cluster-nodes delegate failed on {}: {}", event, e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Node events {} dropped: stopping", events);
        }
    }
}
