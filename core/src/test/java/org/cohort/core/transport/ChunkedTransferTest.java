package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.frame.Frames;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Messages larger than one frame travel in chunks over real sockets: they arrive whole and in order,
 * take turns with other subjects, and never put more in flight than the peer may reassemble.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChunkedTransferTest {

    private static final int MAX_MESSAGE = 4 * 1024 * 1024;
    private static final MessageSubject BULK = MessageSubject.of("bulk");
    private static final MessageSubject OTHER = MessageSubject.of("other");
    private static final MessageSubject SMALL = MessageSubject.of("small");

    private final InProcessCluster cluster = InProcessCluster.recording(2);

    @BeforeEach
    void startTwoNodesThatReassembleAtMostOneLargestMessage() {
        for (int k = 1; k <= 2; k++) {
            ClusterSettings base = cluster.settings(k);
            cluster.create(new ClusterSettings(base.clusterName(), base.localNodeId(), base.members(),
                    base.ioWorkers(), base.custodianInterval(), base.connectTimeout(), base.reconnectBackoffMax(),
                    base.helloTimeout(), MAX_MESSAGE, MAX_MESSAGE, 64L * 1024 * 1024, base.failureDetection()))
                    .start();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(1).manager.connectedPeers().size() == 1
                && cluster.node(2).manager.connectedPeers().size() == 1);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static ClusterMessage message(MessageSubject subject, int size, long seed) {
        byte[] payload = new byte[size];
        new Random(seed).nextBytes(payload);
        return new ClusterMessage(InProcessCluster.id(1), subject, payload);
    }

    private List<ClusterMessage> receive(int count) throws InterruptedException {
        List<ClusterMessage> received = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < count && System.nanoTime() < deadline) {
            ClusterMessage next = cluster.node(2).commsDelegate.messages.poll(100, TimeUnit.MILLISECONDS);
            if (next != null) {
                received.add(next);
            }
        }
        return received;
    }

    private long counter(int k, String name) {
        return cluster.node(k).manager.counters().get(name);
    }

    @Test
    void largestMessagesOnTwoSubjectsArriveWholeAndInOrderThoughOnlyOneFitsReassemblyAtATime() throws Exception {
        List<ClusterMessage> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // the largest payload that still fits message.max.bytes with its envelope
            sent.add(message(BULK, MAX_MESSAGE - 64, i));
            sent.add(message(OTHER, MAX_MESSAGE / 2 + i, 100 + i));
        }
        for (ClusterMessage message : sent) {
            assertThat(cluster.node(1).manager.send(InProcessCluster.id(2), message)).isTrue();
        }

        List<ClusterMessage> received = receive(sent.size());

        assertThat(received.stream().filter(m -> m.subject().equals(BULK)).toList())
                .containsExactlyElementsOf(sent.stream().filter(m -> m.subject().equals(BULK)).toList());
        assertThat(received.stream().filter(m -> m.subject().equals(OTHER)).toList())
                .containsExactlyElementsOf(sent.stream().filter(m -> m.subject().equals(OTHER)).toList());
        assertThat(counter(1, "chunkedSent")).isEqualTo(6);
        assertThat(counter(2, "chunkedReceived")).isEqualTo(6);
        assertThat(counter(2, "badFrames")).isZero();
        assertThat(cluster.node(1).manager.connectedPeers()).containsExactly(InProcessCluster.id(2));
    }

    @Test
    void messagesAroundTheChunkSizeArriveIntact() throws Exception {
        // Payload sizes whose envelopes fall just below, on and just above one chunk, and at two chunks.
        List<ClusterMessage> sent = new ArrayList<>();
        for (int size = Frames.CHUNK_BYTES - 40; size <= Frames.CHUNK_BYTES + 8; size++) {
            sent.add(message(BULK, size, size));
        }
        sent.add(message(BULK, 2 * Frames.CHUNK_BYTES, 1));
        sent.add(message(BULK, 2 * Frames.CHUNK_BYTES + 1, 2));
        sent.add(message(BULK, 0, 3));
        for (ClusterMessage message : sent) {
            assertThat(cluster.node(1).manager.send(InProcessCluster.id(2), message)).isTrue();
        }

        assertThat(receive(sent.size())).containsExactlyElementsOf(sent);
        assertThat(counter(1, "chunkedSent")).isBetween(10L, (long) sent.size() - 1);
        assertThat(counter(2, "chunkedReceived")).isEqualTo(counter(1, "chunkedSent"));
        assertThat(counter(2, "badFrames")).isZero();
    }

    @Test
    void aSmallMessageOnAnotherSubjectOvertakesALargeOneQueuedBeforeIt() throws Exception {
        ClusterMessage large = message(BULK, MAX_MESSAGE - 64, 7);
        ClusterMessage small = message(SMALL, 16, 8);

        // Both queued in one task of the stream's event loop, so that its drain finds them both: from this
        // thread, a loaded host could pause it between the two sends long enough for the whole large
        // message to be written (its chunks leave as soon as they are queued, with nothing to encode first).
        ConnectionManager sender = cluster.node(1).manager;
        sender.table().get(InProcessCluster.id(2)).channel().eventLoop().submit(() -> {
            assertThat(sender.send(InProcessCluster.id(2), large)).isTrue();
            assertThat(sender.send(InProcessCluster.id(2), small)).isTrue();
        }).get(10, TimeUnit.SECONDS);

        assertThat(receive(2)).containsExactly(small, large);
    }

    @Test
    void aMessageOverTheMaximumIsRefusedAtSendAndCounted() {
        assertThat(cluster.node(1).manager.send(InProcessCluster.id(2), message(BULK, MAX_MESSAGE, 9))).isFalse();

        assertThat(counter(1, "sendRefusedTooLarge")).isEqualTo(1);
        assertThat(counter(1, "sent")).isZero();
    }
}
