package org.cohort.core.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.jmx.ClusterBean;
import org.cohort.core.jmx.CohortMBeans;
import org.cohort.core.jmx.PeerBean;
import org.cohort.core.membership.MembershipTable;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.messaging.RoundTripTimes;
import org.cohort.core.stats.CohortStats;
import org.cohort.core.stats.LiveStats;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.transport.ClusterStatus;
import org.cohort.core.transport.ConnectionManager;
import org.cohort.core.transport.PeerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every figure of {@code cluster:stats} and {@code cluster:nodes} is an MBean attribute of the same name,
 * capitalized, with the same value. The transport here gives every counter a different value, so that a
 * figure mapped to the wrong attribute shows.
 */
class JmxMatchesShellTest {

    private static final NodeId LOCAL = NodeId.of("node-1");
    private static final NodeId PEER = NodeId.of("node-2");
    private static final NodeId SILENT = NodeId.of("node-3");

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private ClusterSettings settings;
    private FixedStatus status;
    private MembershipTable membership;
    private final RoundTripTimes roundTripTimes = new RoundTripTimes();
    private CohortStats stats;
    private CohortMBeans mbeans;

    /** A transport with fixed figures, every counter the real transport has, each its own value. */
    private static final class FixedStatus implements ClusterStatus {
        final ClusterSettings settings;
        final Map<String, Long> counters = new LinkedHashMap<>();
        final Map<String, Long> refusals = new LinkedHashMap<>();
        final SortedMap<NodeId, PeerStats> peers = new TreeMap<>();

        @Override
        public String tlsEngine() {
            return "OpenSSL engine (BoringSSL)";
        }

        FixedStatus(ClusterSettings settings, ClusterStatus real) {
            this.settings = settings;
            long value = 100;
            long refused = 0;
            for (String reason : real.handshakesRefusedByReason().keySet()) {
                refusals.put(reason, ++value);
                refused += value;
            }
            for (String counter : real.counters().keySet()) {
                // The transport's total is the sum of the reasons, as TransportCounters keeps it.
                counters.put(counter, counter.equals("handshakesRefused") ? refused : ++value);
            }
            peers.put(PEER, new PeerStats(true, 11, 12, 13, 14, 15, 16, 17, Map.of()));
            peers.put(SILENT, new PeerStats(false, 21, 22, 23, 24, 25, 26, 27, Map.of()));
        }

        @Override
        public long incarnation() {
            return 4242L;
        }

        @Override
        public ClusterSettings settings() {
            return settings;
        }

        @Override
        public Map<String, Long> counters() {
            return counters;
        }

        @Override
        public Map<String, Long> handshakesRefusedByReason() {
            return refusals;
        }

        @Override
        public SortedMap<NodeId, PeerStats> peers() {
            return peers;
        }
    }

    /** Only the listener part of ClusterService, which is what the MBeans use. */
    private static final class QuietClusterService implements ClusterService {
        @Override
        public ClusterMember localMember() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ClusterMember> members() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ClusterMember> member(NodeId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void addListener(ClusterEventListener listener) {
        }

        @Override
        public void addListener(ClusterEventListener listener, boolean currentMembersFirst) {
        }

        @Override
        public void removeListener(ClusterEventListener listener) {
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        List<ControllerNode> members = List.of(
                new ControllerNode(LOCAL, InetAddress.getByName("127.0.0.1"), 9876),
                new ControllerNode(PEER, InetAddress.getByName("127.0.0.2"), 9877),
                new ControllerNode(SILENT, InetAddress.getByName("127.0.0.3"), 9878));
        settings = new ClusterSettings("c", LOCAL, members, 3, Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(2), 1 << 20, 1 << 26);
        // Never started: only asked which counters it has.
        ConnectionManager real = new ConnectionManager(settings, new ClusterNodesDelegate() {
            @Override
            public void nodeDetected(ControllerNode node, long incarnation) {
            }

            @Override
            public void nodeVanished(NodeId nodeId) {
            }
        }, new CommunicationsDelegate() {
            @Override
            public void setSender(MessageSender sender) {
            }

            @Override
            public void dispatch(ClusterMessage message) {
            }
        }, 1L, NodeRuntime.production());
        status = new FixedStatus(settings, real);
        membership = new MembershipTable(settings, 4242L, Instant.ofEpochMilli(1_000_000));
        membership.nodeDetected(members.get(1), 77L, Instant.ofEpochMilli(2_000_000));
        roundTripTimes.record(PEER, Duration.ofNanos(1_500_000));
        // The shell and the MBeans read the same figures, as in Karaf: one CohortStats.
        stats = new LiveStats(status, membership, new CommunicationsComponent(), roundTripTimes);
        mbeans = new CohortMBeans(server, stats, new QuietClusterService());
        mbeans.start();
    }

    @AfterEach
    void tearDown() {
        mbeans.close();
    }

    private static String capitalize(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** A reason of two parts, "failedBack.noHandler", as "FailedBackNoHandler". */
    private static String capitalizeParts(String reason) {
        StringBuilder parts = new StringBuilder();
        for (String part : reason.split("\\.")) {
            parts.append(capitalize(part));
        }
        return parts.toString();
    }

    /** The JMX name of a figure: capitalized, "id" as NodeId, a breakdown "xByReason.r" as "XR". */
    private static Map<String, Object> flatten(Map<String, Object> figures) {
        Map<String, Object> flat = new LinkedHashMap<>();
        figures.forEach((name, value) -> {
            if (value instanceof Map<?, ?> byReason) {
                String total = capitalize(name.replace("ByReason", ""));
                byReason.forEach((reason, count) -> flat.put(total + capitalizeParts((String) reason), count));
            } else {
                flat.put(name.equals("id") ? "NodeId" : capitalize(name), value);
            }
        });
        return flat;
    }

    private void assertAttributes(ObjectName name, Map<String, Object> expected) throws Exception {
        assertThat(expected).isNotEmpty();
        for (Map.Entry<String, Object> figure : expected.entrySet()) {
            Object attribute = server.getAttribute(name, figure.getKey());
            Object value = figure.getValue();
            if (value instanceof Number number) {
                assertThat(((Number) attribute).longValue()).as(name + " " + figure.getKey())
                        .isEqualTo(number.longValue());
            } else {
                assertThat(attribute).as(name + " " + figure.getKey()).isEqualTo(value);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyFigureOfClusterStatsIsAnAttributeWithTheSameValue() throws Exception {
        StatsCommand command = new StatsCommand();
        command.stats = stats;
        Map<String, Object> json = (Map<String, Object>) command.result();
        Map<String, Object> node = flatten((Map<String, Object>) json.get("node"));
        assertThat(node).containsKeys("NodeId", "Incarnation", "HandshakesRefused", "HandshakesRefusedTimeout",
                "SendsRefusedQueueFull", "DecodeErrors", "MessagesSent");
        assertAttributes(new ObjectName(ClusterBean.OBJECT_NAME), node);

        Map<String, Map<String, Object>> peers = (Map<String, Map<String, Object>>) json.get("peers");
        assertThat(peers).containsOnlyKeys(PEER.id(), SILENT.id());
        for (Map.Entry<String, Map<String, Object>> peer : peers.entrySet()) {
            assertAttributes(PeerBean.objectName(NodeId.of(peer.getKey())), flatten(peer.getValue()));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyColumnOfClusterNodesIsAnAttributeWithTheSameValue() throws Exception {
        NodesCommand nodes = new NodesCommand();
        nodes.stats = stats;
        List<Map<String, Object>> rows = (List<Map<String, Object>>) nodes.result();
        assertThat(rows).hasSize(3);
        for (Map<String, Object> row : rows) {
            Map<String, Object> expected = flatten(row);
            if (expected.get("LastRttMicros") == null) {
                expected.put("LastRttMicros", -1L); // JMX has no null: -1 before any round trip
            }
            assertAttributes(PeerBean.objectName(NodeId.of((String) row.get("id"))), expected);
        }
        assertThat(server.getAttribute(PeerBean.objectName(PEER), "LastRttMicros")).isEqualTo(1_500L);
        assertThat(server.getAttribute(PeerBean.objectName(PEER), "Incarnation")).isEqualTo(77L);
        assertThat(server.getAttribute(PeerBean.objectName(LOCAL), "Local")).isEqualTo(true);
    }
}
