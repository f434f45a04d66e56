package org.cohort.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One wire between two embedded nodes (issue 16): what node 1 sends with the plain {@link MessageSender}
 * reaches node 2's handler (the whiteboard's way, {@link CohortNode#addHandler}) and its
 * {@code ClusterCommunicationService} subscriber, each learning the sender; a subject no one subscribed
 * to reaches the embedder's fallback delegate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CohortNodeOneWireTest {

    private static final MessageSubject HANDLED = MessageSubject.of("wire.handled");
    private static final MessageSubject SUBSCRIBED = MessageSubject.of("wire.subscribed");
    private static final MessageSubject UNCLAIMED = MessageSubject.of("wire.unclaimed");
    private static final NodeId NODE_1 = NodeId.of("node-1");
    private static final NodeId NODE_2 = NodeId.of("node-2");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final InetAddress ip1 = InProcessCluster.loopback(1);
    private final InetAddress ip2 = InProcessCluster.loopback(2);
    private final String members = "node-1@127.0.0.1:" + InProcessCluster.freePort(ip1) + ", node-2@127.0.0.2:"
            + InProcessCluster.freePort(ip2);
    private final RecordingDelegate fallback = new RecordingDelegate();
    private final ExecutorService subscriberThread =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "cohort-test-subscriber"));
    private CohortNode node1;
    private CohortNode node2;

    @BeforeEach
    void startTwoNodes() {
        node1 = builder("node-1").start();
        node2 = builder("node-2").fallbackDelegate(fallback).start();
        await().atMost(WAIT).until(() -> List.of(node1, node2).stream().allMatch(node -> node.cluster().members()
                .stream().allMatch(member -> member.state() == NodeState.ACTIVE)));
    }

    @AfterEach
    void closeNodes() throws InterruptedException {
        node1.close();
        node2.close();
        subscriberThread.shutdownNow();
        assertThat(subscriberThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private CohortNode.Builder builder(String id) {
        return CohortNode.builder().set("cluster.name", "one-wire").set("node.id", id).set("members", members)
                .set("failure.acceptable.pause.ms", 5000);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void sendPlain(MessageSubject subject, String text) {
        assertThat(node1.sender().trySend(NODE_2, new ClusterMessage(NODE_1, subject, utf8(text))).accepted())
                .isTrue();
    }

    @Test
    void aPlainMessageReachesEveryKindOfSubscriberWithItsSenderAndTheRestReachesTheFallback() {
        List<String> handled = new CopyOnWriteArrayList<>();
        List<String> subscribed = new CopyOnWriteArrayList<>();
        node2.addHandler(HANDLED, new MessageHandler() {
            @Override
            public byte[] handle(byte[] payload) {
                return handle(null, payload);
            }

            @Override
            public byte[] handle(NodeId sender, byte[] payload) {
                handled.add(sender + ": " + text(payload));
                return null;
            }
        });
        node2.communication().addSubscriberWithSender(SUBSCRIBED, CohortNodeOneWireTest::text,
                (NodeId from, String message) -> subscribed.add(from + ": " + message), subscriberThread);

        sendPlain(HANDLED, "to the handler");
        sendPlain(SUBSCRIBED, "to the subscriber");
        sendPlain(UNCLAIMED, "to no one");

        await().atMost(WAIT).until(() -> handled.size() == 1 && subscribed.size() == 1
                && fallback.dispatched.size() == 1);
        assertThat(handled).containsExactly("node-1: to the handler");
        assertThat(subscribed).containsExactly("node-1: to the subscriber");
        ClusterMessage unclaimed = fallback.dispatched.get(0);
        assertThat(unclaimed.sender()).isEqualTo(NODE_1);
        assertThat(unclaimed.subject()).isEqualTo(UNCLAIMED);
        assertThat(text(unclaimed.payload())).isEqualTo("to no one");
        assertThat(fallback.sender).as("the fallback delegate can answer through the node's sender").isNotNull();
    }

    /** An embedder's delegate: records what it is handed (on an IO thread, so only a quick add). */
    private static final class RecordingDelegate implements CommunicationsDelegate {
        final List<ClusterMessage> dispatched = new CopyOnWriteArrayList<>();
        volatile MessageSender sender;

        @Override
        public void setSender(MessageSender sender) {
            this.sender = sender;
        }

        @Override
        public void dispatch(ClusterMessage message) {
            dispatched.add(message);
        }
    }
}
