package org.cohort.core.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.membership.MemberState;

/**
 * Real Cohort nodes in one JVM, each a {@link NodeAssembly} (the embedding), node K on 127.0.0.K with a free
 * port. Either whole nodes ({@link #InProcessCluster(int)}), or nodes whose transport hands its node events
 * and messages to recorders instead of the membership and the dispatcher ({@link #recording(int)}), for the
 * tests of the transport alone.
 *
 * <p>In core's test-jar, for the other modules' tests too.
 */
public final class InProcessCluster implements AutoCloseable {

    public static final String CLUSTER_NAME = "test-cluster";

    /**
     * Failure detection for tests that are not about it: heartbeats as usual, but 5 s of grace, so that a
     * loaded build machine starving a test JVM for a second does not close streams mid-test. The tests
     * about silence use {@link FailureDetectionSettings#DEFAULTS}.
     */
    public static final FailureDetectionSettings PATIENT = new FailureDetectionSettings(Duration.ofMillis(100), 8.0,
            Duration.ofMillis(100), Duration.ofSeconds(5));

    /** Distinct and increasing even for two starts in the same microsecond. */
    private static final AtomicLong INCARNATIONS = new AtomicLong(System.currentTimeMillis() * 1000);

    public final List<ControllerNode> members;
    public final Map<NodeId, InProcessNode> nodes = new ConcurrentHashMap<>();
    private final int ioWorkers;
    private final boolean recording;

    /** Whole nodes, two IO workers each. */
    public InProcessCluster(int size) {
        this(size, 2, false);
    }

    private InProcessCluster(int size, int ioWorkers, boolean recording) {
        this.ioWorkers = ioWorkers;
        this.recording = recording;
        List<ControllerNode> list = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            InetAddress address = loopback(k);
            list.add(new ControllerNode(id(k), address, freePort(address)));
        }
        this.members = List.copyOf(list);
    }

    /** Nodes with recording delegates, three IO workers each. */
    public static InProcessCluster recording(int size) {
        return recording(size, 3);
    }

    public static InProcessCluster recording(int size, int ioWorkers) {
        return new InProcessCluster(size, ioWorkers, true);
    }

    public static NodeId id(int k) {
        return NodeId.of("n" + k);
    }

    public static InetAddress loopback(int k) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ControllerNode member(int k) {
        return members.get(k - 1);
    }

    public ClusterSettings settings(int k) {
        return settings(k, Duration.ofMillis(200));
    }

    public ClusterSettings settings(int k, Duration reconnectBackoffMax) {
        return settings(k, reconnectBackoffMax, 64L * 1024 * 1024);
    }

    public ClusterSettings settings(int k, Duration reconnectBackoffMax, long outboundQueueBytes) {
        return settings(k, reconnectBackoffMax, outboundQueueBytes, PATIENT);
    }

    public ClusterSettings settings(int k, Duration reconnectBackoffMax, long outboundQueueBytes,
            FailureDetectionSettings failureDetection) {
        return new ClusterSettings(CLUSTER_NAME, id(k), members, ioWorkers, Duration.ofMillis(50),
                Duration.ofMillis(500), reconnectBackoffMax, Duration.ofSeconds(2), 1024 * 1024, outboundQueueBytes,
                failureDetection);
    }

    /** Creates and starts node K, replacing (and closing) one created before. */
    public InProcessNode start(int k) {
        InProcessNode node = create(k);
        node.start();
        return node;
    }

    public InProcessNode create(int k) {
        return create(settings(k));
    }

    /** Creates a node, not started, replacing (and closing) one created before with the same id. */
    public InProcessNode create(ClusterSettings settings) {
        NodeAssembly.Builder builder = NodeAssembly.builder(settings).incarnation(INCARNATIONS.incrementAndGet())
                .classLoader(InProcessCluster.class.getClassLoader());
        RecordingNodes nodesDelegate = null;
        RecordingComms commsDelegate = null;
        if (recording) {
            nodesDelegate = new RecordingNodes();
            commsDelegate = new RecordingComms();
            builder.nodesDelegate(nodesDelegate).communicationsDelegate(commsDelegate);
        }
        InProcessNode node = new InProcessNode(builder.build(), nodesDelegate, commsDelegate);
        InProcessNode replaced = nodes.put(settings.localNodeId(), node);
        if (replaced != null) {
            replaced.stop();
        }
        return node;
    }

    public InProcessNode node(int k) {
        return nodes.get(id(k));
    }

    /** Starts every node; whole nodes, until each sees all the others active. */
    public void startAll() {
        for (int k = 1; k <= members.size(); k++) {
            start(k);
        }
        if (!recording) {
            await().atMost(Duration.ofSeconds(20)).until(() -> nodes.values().stream()
                    .allMatch(node -> node.membership.states().stream().allMatch(MemberState::isActive)));
        }
    }

    /** Stops node K and forgets it. */
    public void stop(int k) {
        InProcessNode node = nodes.remove(id(k));
        if (node != null) {
            node.stop();
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(InProcessNode::stop);
        nodes.clear();
    }
}
