package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Members come and go, and settings change, on running nodes over real sockets, with no restart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveReconfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InProcessCluster cluster = InProcessCluster.recording(3);

    @AfterEach
    void stop() {
        cluster.close();
    }

    private ClusterSettings settings(int k, int... memberNumbers) {
        return withMembers(cluster.settings(k), memberNumbers);
    }

    private ClusterSettings withMembers(ClusterSettings base, int... memberNumbers) {
        List<ControllerNode> members = java.util.Arrays.stream(memberNumbers).mapToObj(cluster::member).toList();
        return new ClusterSettings(base.clusterName(), base.localNodeId(), members, base.ioWorkers(),
                base.custodianInterval(), base.connectTimeout(), base.reconnectBackoffMax(), base.helloTimeout(),
                base.maxMessageBytes(), base.maxReassemblyBytes(), base.outboundQueueBytes(),
                base.failureDetection());
    }

    private List<SocketAddress> streamBetweenOneAndTwo() {
        return cluster.node(1).manager.streamAddresses(InProcessCluster.id(2));
    }

    @Test
    void aMemberIsAddedAndRemovedLiveWhileTheOtherStreamStaysUp() {
        cluster.create(settings(1, 1, 2)).start();
        cluster.create(settings(2, 1, 2)).start();
        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().size() == 1);
        List<SocketAddress> untouched = streamBetweenOneAndTwo();
        long opened = cluster.node(1).manager.counters().get("streamsOpened");

        cluster.create(settings(3, 1, 2, 3)).start();
        cluster.node(1).reconfigure(settings(1, 1, 2, 3));
        cluster.node(2).reconfigure(settings(2, 1, 2, 3));

        await().atMost(WAIT).untilAsserted(() -> {
            for (int k = 1; k <= 3; k++) {
                assertThat(cluster.node(k).manager.connectedPeers()).as("node %d's peers", k).hasSize(2);
            }
        });
        assertThat(cluster.node(1).manager.peers()).containsKey(InProcessCluster.id(3));
        assertThat(cluster.node(1).manager.send(InProcessCluster.id(3),
                new ClusterMessage(InProcessCluster.id(1), MessageSubject.of("hi"), new byte[] {1}))).isTrue();
        await().atMost(WAIT).until(() -> !cluster.node(3).commsDelegate.messages.isEmpty());

        cluster.node(1).reconfigure(settings(1, 1, 2));
        cluster.node(2).reconfigure(settings(2, 1, 2));

        await().atMost(WAIT).until(() -> cluster.node(3).manager.connectedPeers().isEmpty());
        assertThat(cluster.node(1).manager.connectedPeers()).containsExactly(InProcessCluster.id(2));
        assertThat(cluster.node(1).manager.peers()).doesNotContainKey(InProcessCluster.id(3));
        assertThat(cluster.node(1).manager.send(InProcessCluster.id(3),
                new ClusterMessage(InProcessCluster.id(1), MessageSubject.of("hi"), new byte[] {1}))).isFalse();
        // node 3 still has 1 and 2 configured and keeps dialing: it is refused as a stranger
        await().atMost(WAIT).until(() -> cluster.node(1).manager.handshakesRefusedByReason().get("unknownNode") > 0);
        assertThat(cluster.node(1).manager.connectedPeers()).containsExactly(InProcessCluster.id(2));
        // the stream between the members that stayed never reconnected
        assertThat(streamBetweenOneAndTwo()).isEqualTo(untouched);
        assertThat(cluster.node(1).manager.counters().get("streamsOpened")).isEqualTo(opened + 1);
        assertThat(cluster.node(1).nodesDelegate.count("vanished n2")).isZero();
    }

    @Test
    void heartbeatAndDetectorSettingsChangeLiveWithoutDroppingStreams() {
        cluster.create(settings(1, 1, 2)).start();
        cluster.create(settings(2, 1, 2)).start();
        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().size() == 1);
        List<SocketAddress> stream = streamBetweenOneAndTwo();
        FailureDetectionSettings faster = new FailureDetectionSettings(Duration.ofMillis(20), 10.0,
                Duration.ofMillis(50), Duration.ofSeconds(3));

        for (int k = 1; k <= 2; k++) {
            ClusterSettings base = cluster.node(k).manager.settings();
            cluster.node(k).reconfigure(new ClusterSettings(base.clusterName(), base.localNodeId(),
                    base.members(), base.ioWorkers(), Duration.ofMillis(100), Duration.ofMillis(300),
                    Duration.ofMillis(500), base.helloTimeout(), base.maxMessageBytes(), base.maxReassemblyBytes(),
                    1 << 20, faster));
        }

        assertThat(cluster.node(1).manager.settings().failureDetection()).isEqualTo(faster);
        // a second of heartbeats at the new rate judged by the new detector: nobody is closed as silent
        long before = cluster.node(1).manager.counters().get("silentPeersClosed");
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).untilAsserted(() ->
                assertThat(streamBetweenOneAndTwo()).isEqualTo(stream));
        assertThat(cluster.node(1).manager.counters().get("silentPeersClosed")).isEqualTo(before);
        assertThat(cluster.node(2).manager.counters().get("silentPeersClosed")).isZero();
    }

    @Test
    void anIdentityChangeIsRefused() {
        cluster.create(settings(1, 1, 2)).start();
        ClusterSettings base = cluster.node(1).manager.settings();
        ClusterSettings otherWorkers = new ClusterSettings(base.clusterName(), base.localNodeId(), base.members(),
                base.ioWorkers() + 1, base.custodianInterval(), base.connectTimeout(), base.reconnectBackoffMax(),
                base.helloTimeout(), base.maxMessageBytes(), base.outboundQueueBytes());

        // The connection manager's own guard (in Karaf, an identity change replaces the configuration
        // service instead of reaching the listeners).
        assertThatThrownBy(() -> cluster.node(1).manager.reconfigure(otherWorkers))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cluster.node(1).manager.settings()).isEqualTo(base);
    }
}
