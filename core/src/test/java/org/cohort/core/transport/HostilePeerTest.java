package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.frame.Frames;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that passes the hello and then misbehaves: each kind of bad input closes that stream alone,
 * with a count, while the node keeps serving its other streams.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostilePeerTest {

    /** A deadline for real waits on real sockets and threads, generous for a loaded host; no bound asserted. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final MessageSubject SUBJECT = MessageSubject.of("hostile.test");
    private final OwnedSerializationService serialization =
            new OwnedSerializationService(new KryoSerialization(), "fake peer", getClass().getClassLoader()::loadClass);
    private InProcessCluster cluster;
    private long incarnation = 1;

    @BeforeEach
    void startTwoRealNodes() {
        // n2 and n3 are real; n1 is played by the fake peer. n1 has the smallest id, so n2 never refuses the
        // fake's stream in favour of a dial of its own to n1, where nothing listens.
        cluster = InProcessCluster.recording(3);
        cluster.start(2);
        cluster.start(3);
        await().atMost(WAIT).until(() -> cluster.node(2).manager.connectedPeers().size() == 1);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private FakePeer handshakeAsN1() throws Exception {
        FakePeer peer = new FakePeer(cluster.member(1), cluster.member(2), incarnation++);
        await().atMost(WAIT)
                .until(() -> cluster.node(2).manager.connectedPeers().contains(InProcessCluster.id(1)));
        return peer;
    }

    private void assertClosedCountedAndNodeHealthy(FakePeer peer, long badFramesBefore) throws Exception {
        assertThat(peer.closedByNode()).as("node closed the misbehaving stream").isTrue();
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(cluster.node(2).manager.counters().get("badFrames")).isEqualTo(badFramesBefore + 1));
        ClusterMessage message = new ClusterMessage(InProcessCluster.id(3), SUBJECT, new byte[] {42});
        assertThat(cluster.node(3).manager.send(InProcessCluster.id(2), message)).isTrue();
        assertThat(cluster.node(2).commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isEqualTo(message);
        assertThat(cluster.node(2).manager.connectedPeers()).contains(InProcessCluster.id(3));
    }

    @Test
    void aValidMessageFromTheFakePeerIsDelivered() throws Exception {
        try (FakePeer peer = handshakeAsN1()) {
            ClusterMessage message = new ClusterMessage(InProcessCluster.id(1), SUBJECT, new byte[] {7, 7});
            peer.sendMessage(serialization, message);
            assertThat(cluster.node(2).commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isEqualTo(message);
        }
    }

    @Test
    void aFrameOverTheMaximumClosesTheStream() throws Exception {
        long before = cluster.node(2).manager.counters().get("badFrames");
        try (FakePeer peer = handshakeAsN1()) {
            io.netty.buffer.ByteBuf header = io.netty.buffer.Unpooled.buffer();
            header.writeInt(Frames.MAX_FRAME_BYTES + 1); // declared, never sent
            header.writeByte(Frames.MESSAGE);
            peer.sendRaw(header);
            assertClosedCountedAndNodeHealthy(peer, before);
        }
    }

    @Test
    void anEnvelopeThatDoesNotDecodeClosesTheStream() throws Exception {
        long before = cluster.node(2).manager.counters().get("badFrames");
        try (FakePeer peer = handshakeAsN1()) {
            byte[] garbage = new byte[200];
            new Random(7).nextBytes(garbage);
            garbage[0] = (byte) 0xff; // not a valid string header for the sender id
            peer.sendFrame(Frames.MESSAGE, garbage);
            assertClosedCountedAndNodeHealthy(peer, before);
        }
    }

    @Test
    void aMessageClaimingAnotherSenderClosesTheStream() throws Exception {
        long before = cluster.node(2).manager.counters().get("badFrames");
        try (FakePeer peer = handshakeAsN1()) {
            peer.sendMessage(serialization, new ClusterMessage(InProcessCluster.id(3), SUBJECT, new byte[] {1}));
            assertClosedCountedAndNodeHealthy(peer, before);
            assertThat(cluster.node(2).commsDelegate.messages).isEmpty(); // the spoofed one was not dispatched
        }
    }

    @Test
    void anUnknownFrameTypeClosesTheStream() throws Exception {
        long before = cluster.node(2).manager.counters().get("badFrames");
        try (FakePeer peer = handshakeAsN1()) {
            peer.sendFrame((byte) 99, new byte[] {1, 2, 3});
            assertClosedCountedAndNodeHealthy(peer, before);
        }
    }

    @Test
    void messagesBehindABadFrameInTheSameSegmentAreNotDelivered() throws Exception {
        long before = cluster.node(2).manager.counters().get("badFrames");
        try (FakePeer peer = handshakeAsN1()) {
            byte[] valid = FakePeer.messageFrame(serialization,
                    new ClusterMessage(InProcessCluster.id(1), SUBJECT, new byte[] {5}), 1);
            io.netty.buffer.ByteBuf segment = io.netty.buffer.Unpooled.buffer();
            segment.writeInt(4).writeByte(99).writeBytes(new byte[] {1, 2, 3}).writeBytes(valid);
            peer.sendRaw(segment);

            assertClosedCountedAndNodeHealthy(peer, before);
            // only node 3's message, sent after, arrived; none from the stream that broke the protocol
            assertThat(cluster.node(2).commsDelegate.messages).isEmpty();
        }
    }

    @Test
    void aPeerThatSendsNoHelloIsClosedAfterTheHelloTimeout() throws Exception {
        long before = cluster.node(2).manager.counters().get("handshakesRefused");
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress(cluster.member(2).ip(), cluster.member(2).tcpPort()), 2000);
            silent.setSoTimeout(5000); // the hello timeout is 2 s in the test cluster
            long start = System.nanoTime();
            InputStream in = silent.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
        }
        assertThat(cluster.node(2).manager.counters().get("handshakesRefused")).isEqualTo(before + 1);
    }

    @Test
    void theOutboundQueueIsBoundedInBytesWhenThePeerStopsReading() throws Exception {
        cluster.node(2).stop();
        long queueBytes = 1024 * 1024;
        InProcessNode node = cluster.create(cluster.settings(2, Duration.ofMillis(200), queueBytes));
        node.start();
        try (FakePeer peer = handshakeAsN1()) {
            peer.setReceiveBuffer(4096);
            byte[] payload = new byte[16 * 1024];
            long accepted = 0;
            boolean refused = false;
            for (int i = 0; i < 100_000 && !refused; i++) {
                if (node.manager.send(InProcessCluster.id(1), new ClusterMessage(InProcessCluster.id(2), SUBJECT, payload))) {
                    accepted += payload.length;
                } else {
                    refused = true;
                }
            }
            assertThat(refused).as("sends are refused once the queue is full").isTrue();
            assertThat(node.manager.counters().get("sendRefusedQueueFull")).isPositive();
            // The queue (1 MiB), Netty's high water mark (1 MiB) and the kernel's socket buffers: no more.
            assertThat(accepted).isLessThan(queueBytes + 8L * 1024 * 1024);
            assertThat(accepted).isGreaterThanOrEqualTo(queueBytes / 2);
        }
    }
}
