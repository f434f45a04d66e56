package org.cohort.core.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.runtime.NodeRuntime;

/**
 * Real connection managers in one JVM, node K on 127.0.0.K with a free port, and delegates that record
 * what they are told.
 */
final class TestCluster implements AutoCloseable {

    static final String CLUSTER_NAME = "test-cluster";
    private static final AtomicLong INCARNATIONS = new AtomicLong(System.currentTimeMillis() * 1000);

    final List<ControllerNode> members;
    final Map<NodeId, Node> nodes = new ConcurrentHashMap<>();
    private final int ioWorkers;
    private final KryoSerialization runtime = new KryoSerialization();

    TestCluster(int size) {
        this(size, 3);
    }

    TestCluster(int size, int ioWorkers) {
        this.ioWorkers = ioWorkers;
        List<ControllerNode> list = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            InetAddress address = loopback(k);
            list.add(new ControllerNode(id(k), address, freePort(address)));
        }
        this.members = List.copyOf(list);
    }

    static NodeId id(int k) {
        return NodeId.of("n" + k);
    }

    static InetAddress loopback(int k) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ClusterSettings settings(int k) {
        return settings(k, Duration.ofMillis(200));
    }

    ClusterSettings settings(int k, Duration reconnectBackoffMax) {
        return settings(k, reconnectBackoffMax, 64L * 1024 * 1024);
    }

    /**
     * Failure detection for tests that are not about it: heartbeats as usual, but 5 s of grace, so that a
     * loaded build machine starving a test JVM for a second does not close streams mid-test. The tests
     * about silence use {@link FailureDetectionSettings#DEFAULTS}.
     */
    static final FailureDetectionSettings PATIENT = new FailureDetectionSettings(Duration.ofMillis(100), 8.0,
            Duration.ofMillis(100), Duration.ofSeconds(5));

    ClusterSettings settings(int k, Duration reconnectBackoffMax, long outboundQueueBytes) {
        return settings(k, reconnectBackoffMax, outboundQueueBytes, PATIENT);
    }

    ClusterSettings settings(int k, Duration reconnectBackoffMax, long outboundQueueBytes,
            FailureDetectionSettings failureDetection) {
        return new ClusterSettings(CLUSTER_NAME, id(k), members, ioWorkers, Duration.ofMillis(50),
                Duration.ofMillis(500), reconnectBackoffMax, Duration.ofSeconds(2), 1024 * 1024, outboundQueueBytes,
                failureDetection);
    }

    ControllerNode member(int k) {
        return members.get(k - 1);
    }

    /** Creates and starts node K, replacing a stopped one. */
    Node start(int k) {
        Node node = create(k);
        node.manager.start();
        return node;
    }

    Node create(int k) {
        return create(settings(k));
    }

    Node create(ClusterSettings settings) {
        int k = members.indexOf(settings.localNode()) + 1;
        Node node = new Node(settings, runtime, INCARNATIONS.incrementAndGet());
        nodes.put(id(k), node);
        return node;
    }

    Node node(int k) {
        return nodes.get(id(k));
    }

    void startAll() {
        for (int k = 1; k <= members.size(); k++) {
            start(k);
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(node -> node.manager.stop());
        nodes.clear();
    }

    /** One node: its connection manager and recording delegates. */
    static final class Node {
        final RecordingNodes nodesDelegate = new RecordingNodes();
        final RecordingComms commsDelegate = new RecordingComms();
        final ConnectionManager manager;

        Node(ClusterSettings settings, KryoSerialization runtime, long incarnation) {
            manager = new ConnectionManager(settings, nodesDelegate, commsDelegate, incarnation,
                    NodeRuntime.production());
        }
    }

    /** Records node events as "detected n2 #inc" and "vanished n2", in order. */
    static final class RecordingNodes implements ClusterNodesDelegate {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Map<NodeId, Long> live = new ConcurrentHashMap<>();

        @Override
        public void nodeDetected(ControllerNode node, long incarnation) {
            events.add("detected " + node.id() + " #" + incarnation);
            live.put(node.id(), incarnation);
        }

        @Override
        public void nodeVanished(NodeId nodeId) {
            events.add("vanished " + nodeId);
            live.remove(nodeId);
        }

        long count(String prefix) {
            return events.stream().filter(event -> event.startsWith(prefix)).count();
        }
    }

    /** Keeps every message it is handed. */
    static final class RecordingComms implements CommunicationsDelegate {
        final BlockingQueue<ClusterMessage> messages = new LinkedBlockingQueue<>();
        volatile MessageSender sender;

        @Override
        public void setSender(MessageSender sender) {
            this.sender = sender;
        }

        @Override
        public void dispatch(ClusterMessage message) {
            messages.add(message);
        }
    }
}
