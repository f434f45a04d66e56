package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream closed with messages still queued (its peer stopped reading and heartbeating, so the failure
 * detector closed it) and reopened to the same peer process: what was queued and never handed to the
 * channel goes out on the new stream. What was handed to the old channel is never sent again, so the
 * receiver sees at most one gap, and never a duplicate or a message out of order.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UnsentMessagesMoveTest {

    private static final MessageSubject SUBJECT = MessageSubject.of("test.moved");
    private static final int COUNT = 1_500;
    private static final int PAYLOAD_BYTES = 16 * 1024;

    @Test
    void queuedMessagesMoveToThePeersNextStreamInOrderWithoutDuplicates() throws Exception {
        try (InProcessCluster cluster = InProcessCluster.recording(2)) {
            InProcessNode sender = cluster.create(cluster.settings(1, Duration.ofMillis(200), 64L * 1024 * 1024,
                    FailureDetectionSettings.DEFAULTS));
            InProcessNode receiver = cluster.create(cluster.settings(2, Duration.ofMillis(200)));
            sender.start();
            receiver.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.manager.connectedPeers().contains(InProcessCluster.id(2))
                    && receiver.manager.connectedPeers().contains(InProcessCluster.id(1)));
            long incarnation = sender.manager.peerIncarnation(InProcessCluster.id(2));

            // The receiver's worker for this stream stops: it neither reads nor heartbeats.
            CountDownLatch thaw = new CountDownLatch(1);
            Stream receiving = receiver.manager.table().get(InProcessCluster.id(1));
            receiving.channel().eventLoop().execute(() -> {
                try {
                    thaw.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int seq = 0; seq < COUNT; seq++) {
                byte[] payload = new byte[PAYLOAD_BYTES];
                ByteBuffer.wrap(payload).putInt(seq);
                assertThat(sender.manager.send(InProcessCluster.id(2),
                        new ClusterMessage(InProcessCluster.id(1), SUBJECT, payload))).isTrue();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.manager.counters().get("silentPeersClosed") == 1);
            thaw.countDown();

            await().atMost(Duration.ofSeconds(30)).until(() -> received(receiver).contains(COUNT - 1));
            assertThat(sender.manager.peerIncarnation(InProcessCluster.id(2))).isEqualTo(incarnation);
            List<Integer> seqs = received(receiver);
            long moved = sender.manager.counters().get("movedToNewStream");
            System.out.printf("received %d of %d; %d moved to the new stream, %d dropped with the old one%n",
                    seqs.size(), COUNT, moved, sender.manager.counters().get("droppedOnClose"));
            assertThat(moved).isPositive();
            for (int i = 1; i < seqs.size(); i++) {
                assertThat(seqs.get(i)).as("after %d", seqs.get(i - 1)).isGreaterThan(seqs.get(i - 1));
            }
            int gaps = 0;
            for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) != seqs.get(i - 1) + 1) {
                    gaps++;
                }
            }
            assertThat(gaps).as("gaps: what the old channel had been handed and lost").isLessThanOrEqualTo(1);
            assertThat(seqs.get(0)).isZero();
            // every moved message arrived: the tail of the sequence, unbroken
            assertThat(seqs.subList(seqs.size() - (int) moved, seqs.size()))
                    .isEqualTo(rangeFrom(COUNT - (int) moved, COUNT));
        }
    }

    private static List<Integer> received(InProcessNode node) {
        List<Integer> seqs = new ArrayList<>();
        for (ClusterMessage message : node.commsDelegate.messages) {
            seqs.add(ByteBuffer.wrap(message.payload()).getInt());
        }
        return seqs;
    }

    private static List<Integer> rangeFrom(int from, int to) {
        List<Integer> range = new ArrayList<>();
        for (int i = from; i < to; i++) {
            range.add(i);
        }
        return range;
    }
}
