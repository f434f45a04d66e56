package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionManagerTest {

    private static final MessageSubject SUBJECT = MessageSubject.of("test.subject");
    /**
     * A deadline for real waits on real sockets, not a bound asserted: how soon a stopped node is seen
     * gone is the goodbye's (GoodbyeHandlerTest, clock-free), and how soon a node dials is the backoff's
     * (BackoffTest); what a loaded host adds to them is the host's.
     */
    private static final Duration WAIT = Duration.ofSeconds(10);
    private InProcessCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void awaitFullMesh(InProcessCluster cluster) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            for (InProcessNode node : cluster.nodes.values()) {
                List<NodeId> expected = cluster.members.stream().map(ControllerNode::id)
                        .filter(id -> !id.equals(node.manager.settings().localNodeId())).sorted().toList();
                assertThat(node.manager.connectedPeers()).isEqualTo(expected);
                assertThat(node.nodesDelegate.live.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            }
        });
    }

    @Test
    void threeNodesConnectEveryPairWithOneStreamFromTheirOwnAddresses() {
        cluster = InProcessCluster.recording(3);
        cluster.startAll();
        awaitFullMesh(cluster);
        for (InProcessNode node : cluster.nodes.values()) {
            // One stream per pair, and no flapping on the way there.
            assertThat(node.nodesDelegate.count("detected")).isEqualTo(2);
            assertThat(node.nodesDelegate.count("vanished")).isZero();
        }
        // Streams leave from the local member's own address, not 127.0.0.1.
        InetSocketAddress local = (InetSocketAddress) cluster.node(2).manager.streamAddresses(InProcessCluster.id(3)).get(0);
        assertThat(local.getAddress()).isEqualTo(InProcessCluster.loopback(2));
    }

    @Test
    void messagesByNodeIdReachTheRightNodeWithTheRightSender() throws Exception {
        cluster = InProcessCluster.recording(3);
        cluster.startAll();
        awaitFullMesh(cluster);

        for (int from = 1; from <= 3; from++) {
            for (int to = 1; to <= 3; to++) {
                byte[] payload = ("from " + from + " to " + to).getBytes(StandardCharsets.UTF_8);
                ClusterMessage message = new ClusterMessage(InProcessCluster.id(from), SUBJECT, payload);
                assertThat(cluster.node(from).manager.send(InProcessCluster.id(to), message)).isTrue();
            }
        }
        for (int to = 1; to <= 3; to++) {
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ClusterMessage message = cluster.node(to).commsDelegate.messages.poll(5, TimeUnit.SECONDS);
                assertThat(message).as("message %d at n%d", i, to).isNotNull();
                String text = new String(message.payload(), StandardCharsets.UTF_8);
                assertThat(text).endsWith("to " + to).startsWith("from " + message.sender().id().substring(1));
                received.add(message.sender().id());
            }
            assertThat(received).containsExactlyInAnyOrder("n1", "n2", "n3");
        }
        Map<String, Long> counters = cluster.node(1).manager.counters();
        assertThat(counters.get("sentLocally")).isEqualTo(1);
        assertThat(counters.get("sent")).isEqualTo(2);
    }

    @Test
    void orderOnOneStreamHoldsOverAHundredThousandMessages() throws Exception {
        cluster = InProcessCluster.recording(2);
        cluster.startAll();
        awaitFullMesh(cluster);
        int count = 100_000;
        InProcessNode sender = cluster.node(1);
        for (int i = 0; i < count; i++) {
            ClusterMessage message = new ClusterMessage(InProcessCluster.id(1), SUBJECT,
                    ByteBuffer.allocate(Integer.BYTES).putInt(i).array());
            // Bounded queue: when it is full the caller waits and tries again, as a producer should.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!sender.manager.send(InProcessCluster.id(2), message)) {
                assertThat(System.nanoTime()).as("queue drained in time").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
        for (int i = 0; i < count; i++) {
            ClusterMessage message = cluster.node(2).commsDelegate.messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("message %d", i).isNotNull();
            assertThat(ByteBuffer.wrap(message.payload()).getInt()).isEqualTo(i);
        }
        // Write batching: under load a flush (one syscall) carries many messages, not one.
        Map<String, Long> counters = sender.manager.counters();
        assertThat(counters.get("sent")).isEqualTo(count);
        assertThat(counters.get("flushes")).as("flushes for %d messages", count).isLessThan(count / 10);
    }

    @Test
    void aStoppedNodeLeavesAndARestartReconnectsWithANewIncarnation() {
        cluster = InProcessCluster.recording(3);
        cluster.startAll();
        awaitFullMesh(cluster);
        long firstIncarnation = cluster.node(3).manager.incarnation();

        cluster.node(3).stop();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(cluster.node(1).nodesDelegate.live).doesNotContainKey(InProcessCluster.id(3));
            assertThat(cluster.node(2).nodesDelegate.live).doesNotContainKey(InProcessCluster.id(3));
        });

        InProcessNode restarted = cluster.start(3); // same address and port
        assertThat(restarted.manager.incarnation()).isNotEqualTo(firstIncarnation);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            assertThat(cluster.node(1).nodesDelegate.live).containsEntry(InProcessCluster.id(3), restarted.manager.incarnation());
            assertThat(cluster.node(2).nodesDelegate.live).containsEntry(InProcessCluster.id(3), restarted.manager.incarnation());
        });
        assertThat(cluster.node(1).nodesDelegate.events).containsSubsequence(
                "detected n3 #" + firstIncarnation, "left n3", "detected n3 #" + restarted.manager.incarnation());
    }

    @Test
    void simultaneousConnectsEndWithExactlyOneStreamPerPair() {
        for (int round = 0; round < 10; round++) {
            cluster = InProcessCluster.recording(2);
            InProcessNode a = cluster.create(1);
            InProcessNode b = cluster.create(2);
            Thread startB = new Thread(b.manager::start, "test-start-b");
            startB.start();
            a.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> !startB.isAlive());
            awaitFullMesh(cluster);
            // Both ends see the same TCP connection, and the delegates never saw a second one.
            List<?> atA = a.manager.streamAddresses(InProcessCluster.id(2));
            List<?> atB = b.manager.streamAddresses(InProcessCluster.id(1));
            assertThat(atA.get(0)).isEqualTo(atB.get(1));
            assertThat(atA.get(1)).isEqualTo(atB.get(0));
            assertThat(a.nodesDelegate.events).hasSize(1);
            assertThat(b.nodesDelegate.events).hasSize(1);
            cluster.close();
        }
        cluster = null;
    }

    @Test
    void helloWithWrongClusterUnknownNodeOrWrongAddressIsRefused() throws Exception {
        cluster = InProcessCluster.recording(2);
        cluster.start(1);
        ControllerNode target = cluster.member(1);
        ControllerNode n2 = cluster.member(2);

        Hello wrongCluster = new Hello(HelloCodec.VERSION, "other-cluster", n2.id(), n2.ip(), n2.tcpPort(), 1, Map.of());
        Hello unknownNode = new Hello(HelloCodec.VERSION, InProcessCluster.CLUSTER_NAME, NodeId.of("intruder"), n2.ip(),
                n2.tcpPort(), 1, Map.of());
        Hello rightHelloWrongSource = new Hello(HelloCodec.VERSION, InProcessCluster.CLUSTER_NAME, n2.id(), n2.ip(),
                n2.tcpPort(), 1, Map.of());
        Hello wrongVersion = new Hello(HelloCodec.VERSION + 1, InProcessCluster.CLUSTER_NAME, n2.id(), n2.ip(),
                n2.tcpPort(), 1, Map.of());

        assertRefused(target, wrongCluster, n2.ip());
        assertRefused(target, unknownNode, n2.ip());
        assertRefused(target, rightHelloWrongSource, InProcessCluster.loopback(9)); // n2's name from the wrong address
        assertRefused(target, wrongVersion, n2.ip());

        assertThat(cluster.node(1).manager.counters().get("handshakesRefused")).isEqualTo(4);
        assertThat(cluster.node(1).nodesDelegate.events).isEmpty();
    }

    private static void assertRefused(ControllerNode target, Hello hello, java.net.InetAddress from) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(target.ip(), target.tcpPort()), 1000);
            socket.setSoTimeout(3000);
            socket.getOutputStream().write(FakePeer.helloFrame(hello));
            // Refused: the node closes without a hello of its own.
            assertThat(socket.getInputStream().read()).as("refused %s", hello).isEqualTo(-1);
        }
    }

    @Test
    void garbageOnThePortClosesThatConnectionAndTheNodeStaysHealthy() throws Exception {
        cluster = InProcessCluster.recording(2);
        cluster.startAll();
        awaitFullMesh(cluster);
        ControllerNode target = cluster.member(1);
        Random random = new Random(42);
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(target.ip(), target.tcpPort()), 1000);
                socket.setSoTimeout(3000);
                byte[] garbage = new byte[1 + random.nextInt(8192)];
                random.nextBytes(garbage);
                if (attempt % 2 == 0) {
                    garbage[0] = 0x7f; // a length prefix far over the hello cap
                }
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                try {
                    out.write(garbage);
                    assertThat(in.read()).isEqualTo(-1);
                } catch (java.net.SocketException reset) {
                    // closed while we were still writing: refused all the same
                }
            }
        }
        // Still connected, still delivering.
        assertThat(cluster.node(1).manager.connectedPeers()).containsExactly(InProcessCluster.id(2));
        ClusterMessage message = new ClusterMessage(InProcessCluster.id(2), SUBJECT, new byte[] {1, 2, 3});
        assertThat(cluster.node(2).manager.send(InProcessCluster.id(1), message)).isTrue();
        assertThat(cluster.node(1).commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isEqualTo(message);
        assertThat(cluster.node(1).nodesDelegate.count("vanished")).isZero();
    }

    @Test
    void sendsAreRefusedAndCountedByReason() {
        cluster = InProcessCluster.recording(2);
        cluster.start(1); // n2 never starts
        InProcessNode node = cluster.node(1);
        ClusterMessage message = new ClusterMessage(InProcessCluster.id(1), SUBJECT, new byte[10]);
        assertThat(node.manager.send(NodeId.of("stranger"), message)).isFalse();
        assertThat(node.manager.send(InProcessCluster.id(2), message)).isFalse();
        ClusterMessage tooLarge = new ClusterMessage(InProcessCluster.id(1), SUBJECT, new byte[2 * 1024 * 1024]);
        assertThat(node.manager.send(InProcessCluster.id(1), tooLarge)).as("local delivery has no frame").isTrue();
        Map<String, Long> counters = node.manager.counters();
        assertThat(counters.get("sendRefusedUnknownNode")).isEqualTo(1);
        assertThat(counters.get("sendRefusedNoStream")).isEqualTo(1);
    }

    @Test
    void everyNewStreamGoesToTheLeastLoadedWorker() {
        cluster = InProcessCluster.recording(10, 3);
        // n1 starts alone and, after its first failed dials, backs off for long: the nine streams it then
        // gets are the nine peers dialing in, with no crossing dial to refuse.
        InProcessNode hub = cluster.create(cluster.settings(1, Duration.ofSeconds(60)));
        hub.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> hub.manager.counters().get("dialFailures") >= 9 * 5);
        for (int k = 2; k <= 10; k++) {
            cluster.start(k);
        }
        awaitFullMesh(cluster);
        assertThat(hub.manager.workerLoads()).as("streams per worker").containsExactly(3, 3, 3);
    }
}
