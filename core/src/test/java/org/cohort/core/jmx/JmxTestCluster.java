package org.cohort.core.jmx;

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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipTable;
import org.cohort.core.messaging.ClusterCommunicator;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.transport.ConnectionManager;

/**
 * Real Cohort nodes in one JVM, node K on 127.0.0.K with a free port: connection manager, membership
 * table, dispatcher, {@link ClusterCommunicator} and round-trip times, i.e. everything the MBeans read.
 */
final class JmxTestCluster implements AutoCloseable {

    private static final AtomicLong INCARNATIONS = new AtomicLong(System.currentTimeMillis() * 1000);

    final List<ControllerNode> members;
    private final Map<Integer, Node> nodes = new ConcurrentHashMap<>();
    private final KryoSerialization runtime = new KryoSerialization();

    JmxTestCluster(int size) {
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

    Node start(int k) {
        ClusterSettings settings = new ClusterSettings("jmx-test", id(k), members, 2, Duration.ofMillis(50),
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(2), 1024 * 1024, 64L * 1024 * 1024,
                // 5 s of grace: a starved test JVM must not lose streams; silence is tested elsewhere.
                new FailureDetectionSettings(Duration.ofMillis(100), 8.0, Duration.ofMillis(100), Duration.ofSeconds(5)));
        Node node = new Node(settings, runtime, INCARNATIONS.incrementAndGet());
        nodes.put(k, node);
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
        return nodes.get(k);
    }

    void stop(int k) {
        Node node = nodes.remove(k);
        if (node != null) {
            node.stop();
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(Node::stop);
        nodes.clear();
    }

    /** One node's stack. */
    static final class Node {
        final ClusterSettings settings;
        final long incarnation;
        final MembershipTable membership;
        final TableClusterService clusterService;
        final CommunicationsComponent comms = new CommunicationsComponent();
        final RoundTripTimes roundTripTimes = new RoundTripTimes();
        final ConnectionManager manager;
        final ClusterCommunicator communicator;

        Node(ClusterSettings settings, KryoSerialization runtime, long incarnation) {
            this.settings = settings;
            this.incarnation = incarnation;
            membership = new MembershipTable(settings, incarnation, Instant.now());
            clusterService = new TableClusterService(membership, settings.localNodeId());
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

        /** The MBeans of this node, registered in the given server and started. */
        CohortMBeans mbeans(javax.management.MBeanServer server) {
            CohortMBeans mbeans = new CohortMBeans(server, manager, membership, clusterService, comms,
                    roundTripTimes);
            mbeans.start();
            return mbeans;
        }

        void stop() {
            communicator.close();
            manager.stop();
        }
    }

    /**
     * The ClusterService face of a membership table, as MembershipComponent offers it: every state change
     * reaches the listeners as an event.
     */
    static final class TableClusterService implements ClusterService {
        private final MembershipTable table;
        private final NodeId localId;
        private final Map<ClusterEventListener, Consumer<MemberState>> adapters = new ConcurrentHashMap<>();

        TableClusterService(MembershipTable table, NodeId localId) {
            this.table = table;
            this.localId = localId;
        }

        private ClusterMember member(MemberState state) {
            return new ClusterMember(state.node(), state.isActive() ? NodeState.ACTIVE : NodeState.INACTIVE,
                    state.since(), state.incarnation(), state.id().equals(localId));
        }

        @Override
        public ClusterMember localMember() {
            return member(localId).orElseThrow();
        }

        @Override
        public List<ClusterMember> members() {
            return table.states().stream().map(this::member).toList();
        }

        @Override
        public Optional<ClusterMember> member(NodeId id) {
            return table.state(id).map(this::member);
        }

        @Override
        public void addListener(ClusterEventListener listener) {
            Consumer<MemberState> adapter = state -> listener.event(new ClusterEvent(
                    state.isActive() ? ClusterEvent.Type.ACTIVATED : ClusterEvent.Type.DEACTIVATED, member(state)));
            adapters.put(listener, adapter);
            table.addListener(adapter);
        }

        @Override
        public void removeListener(ClusterEventListener listener) {
            Consumer<MemberState> adapter = adapters.remove(listener);
            if (adapter != null) {
                table.removeListener(adapter);
            }
        }

        int listeners() {
            return adapters.size();
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
