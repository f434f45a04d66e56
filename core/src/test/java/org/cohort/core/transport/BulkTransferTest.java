package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One node streams 1 MiB messages to another as fast as its queue takes them for 10 s (30 s with
 * {@code -Plong}), with the default failure detection, over real sockets: neither side may judge the other
 * silent, and small messages to the same node all arrive, in order, alongside the bulk.
 *
 * <p>How long a small message waits behind the bulk is not asserted here: on a loaded host that is the
 * host's figure, not Cohort's. What Cohort decides, that a small message waits for one chunk of the bulk
 * per turn and not for the whole queue, is {@link SubjectFairQueueTest}'s (the turns) and
 * {@link ChunkedTransferTest}'s (a small message overtakes a large one queued before it).
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class BulkTransferTest {

    private static final MessageSubject BULK = MessageSubject.of("bulk");
    private static final MessageSubject SMALL = MessageSubject.of("small");
    /** 10 s; 30 s with -Plong. */
    private static final Duration RUN = Duration.ofSeconds(Long.getLong("cohort.bulk.seconds", 10));

    /** Counts bulk messages and records the sequence numbers of small ones; keeps nothing else. */
    private static final class Receiver implements CommunicationsDelegate {
        final LongAdder bulkReceived = new LongAdder();
        final List<Long> smallReceived = new CopyOnWriteArrayList<>();

        @Override
        public void setSender(MessageSender sender) {
        }

        @Override
        public void dispatch(ClusterMessage message) {
            if (message.subject().equals(SMALL)) {
                smallReceived.add(ByteBuffer.wrap(message.payload()).getLong());
            } else {
                bulkReceived.increment();
            }
        }
    }

    /** Records every node event. */
    private static final class Events implements ClusterNodesDelegate {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void nodeDetected(ControllerNode node, long incarnation) {
            events.add("detected " + node.id());
        }

        @Override
        public void nodeVanished(NodeId nodeId) {
            events.add("vanished " + nodeId);
        }
    }

    @Test
    void bulkDoesNotMakeAPeerLookSilentAndSmallMessagesArriveInOrderAlongsideIt() throws Exception {
        InProcessCluster layout = InProcessCluster.recording(2);
        List<NodeAssembly> nodes = new ArrayList<>();
        List<ConnectionManager> managers = new ArrayList<>();
        List<Events> events = new ArrayList<>();
        Receiver receiver = new Receiver();
        for (int k = 1; k <= 2; k++) {
            ClusterSettings base = layout.settings(k);
            // Frames big enough for the bulk; the default failure detection, which is what is on trial.
            ClusterSettings settings = new ClusterSettings(base.clusterName(), base.localNodeId(), base.members(),
                    base.ioWorkers(), base.custodianInterval(), base.connectTimeout(), base.reconnectBackoffMax(),
                    base.helloTimeout(), 16 * 1024 * 1024, 64L * 1024 * 1024, FailureDetectionSettings.DEFAULTS);
            Events nodeEvents = new Events();
            events.add(nodeEvents);
            CommunicationsDelegate comms = k == 2 ? receiver : new Receiver();
            NodeAssembly node = NodeAssembly.builder(settings).incarnation(k).nodesDelegate(nodeEvents)
                    .communicationsDelegate(comms).build();
            nodes.add(node);
            managers.add(node.connections());
        }
        ScheduledExecutorService smallSender = Executors.newSingleThreadScheduledExecutor();
        try {
            nodes.forEach(NodeAssembly::start);
            await().atMost(Duration.ofSeconds(5)).until(() -> managers.get(0).connectedPeers().size() == 1
                    && managers.get(1).connectedPeers().size() == 1);
            ConnectionManager sender = managers.get(0);
            NodeId to = InProcessCluster.id(2);
            // Only the sender's thread touches these two; the list is read once it has stopped.
            List<Long> smallAccepted = new ArrayList<>();
            long[] nextSmall = {0};
            smallSender.scheduleAtFixedRate(() -> {
                long sequence = nextSmall[0]++;
                if (sender.send(to, new ClusterMessage(InProcessCluster.id(1), SMALL,
                        ByteBuffer.allocate(Long.BYTES).putLong(sequence).array()))) {
                    smallAccepted.add(sequence);
                }
            }, 0, 20, TimeUnit.MILLISECONDS);

            byte[] megabyte = new byte[1024 * 1024];
            long bulkSent = 0;
            long end = System.nanoTime() + RUN.toNanos();
            while (System.nanoTime() < end) {
                if (sender.send(to, new ClusterMessage(InProcessCluster.id(1), BULK, megabyte))) {
                    bulkSent++;
                } else {
                    LockSupport.parkNanos(100_000); // the queue is full: let the stream drain
                }
            }
            smallSender.shutdown();
            assertThat(smallSender.awaitTermination(10, TimeUnit.SECONDS)).as("small sender stopped").isTrue();
            long sent = bulkSent;
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.bulkReceived.sum() == sent
                    && receiver.smallReceived.size() >= smallAccepted.size());
            System.out.printf("bulk: %d MiB in %d s (%.0f MiB/s), %d small messages alongside%n", sent,
                    RUN.toSeconds(), sent / (double) RUN.toSeconds(), smallAccepted.size());

            assertThat(events.get(0).events).as("n1's view").containsExactly("detected n2");
            assertThat(events.get(1).events).as("n2's view").containsExactly("detected n1");
            assertThat(sent).as("MiB sent").isPositive();
            assertThat(smallAccepted).as("small messages accepted").isNotEmpty();
            assertThat(receiver.smallReceived).as("small messages received").containsExactlyElementsOf(smallAccepted);
        } finally {
            smallSender.shutdownNow();
            nodes.forEach(NodeAssembly::close);
        }
    }
}
