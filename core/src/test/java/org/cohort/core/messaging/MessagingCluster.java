package org.cohort.core.messaging;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipTable;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.transport.ConnectionManager;

/**
 * The whole messaging stack on real connection managers in one JVM, node K on 127.0.0.K: connection
 * manager, membership table, subject dispatcher and {@link ClusterCommunicator}.
 */
final class MessagingCluster implements AutoCloseable {

    private static final AtomicLong INCARNATIONS = new AtomicLong(System.currentTimeMillis() * 1000);

    final List<ControllerNode> members;
    final Map<NodeId, Node> nodes = new ConcurrentHashMap<>();
    private final KryoSerialization runtime = new KryoSerialization();

    MessagingCluster(int size) {
        List<ControllerNode> list = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            InetAddress address = loopback(k);
            list.add(new ControllerNode(id(k), address, freePort(address)));
        }
        members = List.copyOf(list);
    }

    static NodeId id(int k) {
        return NodeId.of("n" + k);
    }

    /** Creates and starts node K. */
    Node start(int k) {
        ClusterSettings settings = new ClusterSettings("messaging-test", id(k), members, 2, Duration.ofMillis(50),
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(2), 1024 * 1024, 64L * 1024 * 1024,
                // 5 s of grace: a starved test JVM must not lose streams; silence is tested elsewhere.
                new FailureDetectionSettings(Duration.ofMillis(100), 8.0, Duration.ofMillis(100), Duration.ofSeconds(5)));
        Node node = new Node(settings, runtime, INCARNATIONS.incrementAndGet());
        nodes.put(id(k), node);
        node.manager.start();
        return node;
    }

    /** Starts every node and waits until each sees all the others active. */
    void startAll() {
        for (int k = 1; k <= members.size(); k++) {
            start(k);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> nodes.values().stream()
                .allMatch(node -> node.membership.states().stream().allMatch(MemberState::isActive)));
    }

    Node node(int k) {
        return nodes.get(id(k));
    }

    @Override
    public void close() {
        nodes.values().forEach(Node::stop);
        nodes.clear();
    }

    /** One node's stack. */
    static final class Node {
        final MembershipTable membership;
        final CommunicationsComponent comms = new CommunicationsComponent();
        final ConnectionManager manager;
        final ClusterCommunicator communicator;

        Node(ClusterSettings settings, KryoSerialization runtime, long incarnation) {
            membership = new MembershipTable(settings, incarnation, Instant.now());
            ClusterNodesDelegate nodesDelegate = new ClusterNodesDelegate() {
                @Override
                public void nodeDetected(ControllerNode node, long nodeIncarnation) {
                    membership.nodeDetected(node, nodeIncarnation, Instant.now());
                }

                @Override
                public void nodeVanished(NodeId nodeId) {
                    membership.nodeVanished(nodeId, Instant.now());
                }
            };
            NodeRuntime node = NodeRuntime.production();
            manager = new ConnectionManager(settings, nodesDelegate, comms, incarnation, node);
            communicator = new ClusterCommunicator(settings.localNodeId(), comms, manager, membership, node);
        }

        void stop() {
            communicator.close();
            manager.stop();
        }
    }

    private static InetAddress loopback(int k) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
