package org.cohort.bench;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettingsParser;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.ClusterCommunicator;
import org.cohort.core.messaging.DispatchCounters;

/**
 * A real Cohort node outside Karaf, through the embedding ({@link NodeAssembly}, the wiring the DS
 * components share): settings parsed from the same keys as {@code org.cohort.cluster.cfg} (every other key
 * at its default), and the {@link ClusterCommunicator} sibling bundles use. Handlers run on one
 * single-thread executor per subject, as a sibling bundle's would.
 */
final class CohortTransport implements Transport {

    static final String CLUSTER_NAME = "bench";
    private static final MessageSubject ECHO = MessageSubject.of("bench.echo");
    private static final Map<Lane, MessageSubject> SUBJECTS = new EnumMap<>(Map.of(
            Lane.DATA, MessageSubject.of("bench.data"), Lane.CREDIT, MessageSubject.of("bench.credit")));
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final int self;
    private final List<InetSocketAddress> nodes;
    /** The other nodes' numbers. */
    private final List<Integer> peers;
    private final Path tlsDir;
    private final boolean directHandlers;
    private final Map<String, String> overrides;
    private final Map<Lane, Receiver> receivers = new EnumMap<>(Lane.class);
    private final List<ExecutorService> executors = new ArrayList<>();
    private UnaryOperator<byte[]> requestHandler;
    private NodeId[] ids;
    private NodeAssembly node;

    /**
     * @param self this node's number, 1-based
     * @param nodes every node's address, node k at index k-1
     * @param tlsDir where {@link Certificates} put the stores, or null for plaintext
     * @param directHandlers run the handlers, and the stages of request futures, on the IO thread that read
     *     the message ({@code ClusterCommunicationService.IO_THREAD}, the opt-in for code that never blocks),
     *     not on executors of their own
     * @param overrides cfg keys beyond the defaults (a diagnostic too)
     */
    CohortTransport(int self, List<InetSocketAddress> nodes, Path tlsDir, boolean directHandlers,
            Map<String, String> overrides) {
        this.self = self;
        this.nodes = List.copyOf(nodes);
        this.tlsDir = tlsDir;
        this.directHandlers = directHandlers;
        this.overrides = Map.copyOf(overrides);
        List<Integer> others = new ArrayList<>();
        for (int k = 1; k <= nodes.size(); k++) {
            if (k != self) {
                others.add(k);
            }
        }
        this.peers = List.copyOf(others);
    }

    static String nodeName(int k) {
        return "n" + k;
    }

    @Override
    public void onMessage(Lane lane, Receiver receiver) {
        receivers.put(lane, receiver);
    }

    @Override
    public void onRequest(UnaryOperator<byte[]> handler) {
        requestHandler = handler;
    }

    @Override
    public void start() throws Exception {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("cluster.name", CLUSTER_NAME);
        config.put("node.id", nodeName(self));
        List<String> members = new ArrayList<>();
        ids = new NodeId[nodes.size() + 1];
        for (int k = 1; k <= nodes.size(); k++) {
            InetSocketAddress address = nodes.get(k - 1);
            members.add(nodeName(k) + "@" + address.getAddress().getHostAddress() + ":" + address.getPort());
            ids[k] = NodeId.of(nodeName(k));
        }
        config.put("members", String.join(", ", members));
        if (tlsDir != null) {
            config.put("tls.enabled", "true");
            config.put("tls.keystore", Certificates.keyStore(tlsDir, nodeName(self)).toString());
            config.put("tls.keystore.password", Certificates.PASSWORD);
            config.put("tls.truststore", Certificates.trustStore(tlsDir).toString());
            config.put("tls.truststore.password", Certificates.PASSWORD);
        }
        config.putAll(overrides);
        node = NodeAssembly.builder(ClusterSettingsParser.parse(config)).build();
        ClusterCommunicator communicator = node.communicator();
        receivers.forEach((lane, receiver) -> communicator.addSubscriber(SUBJECTS.get(lane), Function.identity(),
                receiver::receive, executor("bench-" + lane.name().toLowerCase())));
        if (requestHandler != null) {
            communicator.addSubscriber(ECHO, Function.identity(), requestHandler, Function.identity(),
                    executor("bench-echo"));
        }
        node.start();
    }

    private java.util.concurrent.Executor executor(String name) {
        if (directHandlers) {
            return ClusterCommunicationService.IO_THREAD;
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(new DefaultThreadFactory(name));
        executors.add(executor);
        return executor;
    }

    @Override
    public void awaitConnected(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        MembershipView membership = node.membership();
        while (!membership.states().stream().allMatch(MemberState::isActive)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not every member became active within " + timeout + ": "
                        + membership.states());
            }
            Thread.sleep(20);
        }
    }

    @Override
    public List<Integer> peers() {
        return peers;
    }

    @Override
    public boolean send(int to, Lane lane, byte[] payload) {
        return node.communicator().unicast(SUBJECTS.get(lane), payload, ids[to]);
    }

    @Override
    public int broadcast(Lane lane, byte[] payload) {
        // A unicast to each peer rather than ClusterCommunicator.broadcast: broadcast sends only to the
        // members active at that moment and says nothing of the others, so a peer suspected during the
        // warm-up would miss messages the harness counted as sent. Each unicast says whether it was taken.
        int accepted = 0;
        for (int peer : peers()) {
            if (node.communicator().unicast(SUBJECTS.get(lane), payload, ids[peer])) {
                accepted++;
            }
        }
        return accepted;
    }

    @Override
    public CompletableFuture<byte[]> request(int to, byte[] payload) {
        return directHandlers
                ? node.communicator().sendAndReceive(ECHO, payload, ids[to], REQUEST_TIMEOUT,
                        ClusterCommunicationService.IO_THREAD)
                : node.communicator().sendAndReceive(ECHO, payload, ids[to], REQUEST_TIMEOUT);
    }

    /** The engine (as Cohort's start line names it) and the streams' protocol and cipher suite. */
    @Override
    public String tls() {
        if (tlsDir == null) {
            return null; // and cohort-parent, whose build may lack these methods, never gets here
        }
        return node.connections().tlsEngine() + ", " + String.join(" / ", node.connections().tlsSessions());
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> counters = new LinkedHashMap<>();
        Map<String, Long> transport = node.status().counters();
        for (String key : List.of("sent", "received", "flushes", "sendRefusedUnknownNode", "sendRefusedNoStream",
                "sendRefusedQueueFull", "sendRefusedTooLarge", "sendFailedEncoding", "streamsOpened",
                "streamsClosed", "silentPeersClosed", "badFrames", "dispatchFailures",
                // Before the lossless sessions (issue 16): what a closed stream took with it. The parent
                // build (cohort-parent) still has it.
                "droppedOnClose")) {
            if (transport.containsKey(key)) {
                counters.put("cohort." + key, transport.get(key));
            }
        }
        // The lossless sessions' counters, summed over the peers: delivery.sent, .acked, .resent,
        // .duplicates, .failedBack.<reason>, .refused.<SendResult>. The parent build has none.
        transport.forEach((key, value) -> {
            if (key.startsWith("delivery.")) {
                counters.put("cohort." + key, value);
            }
        });
        DispatchCounters dispatch = node.messaging().counters();
        counters.put("cohort.dispatch.rejected", dispatch.rejected());
        counters.put("cohort.dispatch.noHandler", dispatch.noHandler());
        counters.put("cohort.dispatch.handlerFailed", dispatch.handlerFailed());
        counters.put("cohort.malformed", node.communicator().malformedCount());
        counters.put("cohort.lateReplies", node.communicator().lateReplyCount());
        counters.put("cohort.inactiveMembers",
                node.membership().states().stream().filter(state -> !state.isActive()).count());
        return counters;
    }

    @Override
    public void close() {
        if (node != null) {
            node.close();
        }
        executors.forEach(ExecutorService::shutdownNow);
    }

    @Override
    public String toString() {
        return "cohort node " + nodeName(self) + (tlsDir == null ? "" : " (TLS)")
                + (directHandlers ? " (handlers on the IO thread)" : "") + " of "
                + nodes.stream().map(InetSocketAddress::toString).collect(Collectors.joining(", "));
    }
}
