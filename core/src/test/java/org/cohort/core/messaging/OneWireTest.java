package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cohort.core.testing.InProcessCluster.id;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One wire (issue 16): a plain {@link ClusterMessage} sent with {@code MessageSender} reaches a
 * {@code ClusterCommunicationService} subscriber and a whiteboard-style handler as a one-way message,
 * and both learn who sent it; nothing between Cohort's own APIs is "malformed".
 */
class OneWireTest {

    private static final MessageSubject NEWS = MessageSubject.of("test.news");
    private static final MessageSubject ECHO = MessageSubject.of("test.echo");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<ExecutorService> executors = new ArrayList<>();
    private InProcessCluster cluster;

    @BeforeEach
    void startTwoNodes() {
        cluster = new InProcessCluster(2);
        cluster.startAll();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        cluster.close();
        for (ExecutorService executor : executors) {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).as("subscriber thread stopped").isTrue();
        }
    }

    private ExecutorService singleThread() {
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "cohort-test-subscriber"));
        executors.add(executor);
        return executor;
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** What node 1's MessageSender sends: a message without a messaging header. */
    private void sendPlain(MessageSubject subject, String text) {
        assertThat(cluster.node(1).manager.send(id(2), new ClusterMessage(id(1), subject, utf8(text)))).isTrue();
    }

    @Test
    void aPlainMessageIsAOneWayMessageToASubscriberWhichLearnsTheSender() {
        List<String> received = new CopyOnWriteArrayList<>();
        cluster.node(2).communicator.addSubscriberWithSender(NEWS, OneWireTest::text,
                (NodeId from, String news) -> received.add(from + ": " + news), singleThread());

        sendPlain(NEWS, "plain");
        assertThat(cluster.node(1).communicator.unicast(NEWS, utf8("headed"), id(2))).isTrue();

        await().atMost(WAIT).until(() -> received.size() == 2);
        assertThat(received).containsExactly("n1: plain", "n1: headed");
        assertThat(cluster.node(2).communicator.malformedCount()).isZero();
    }

    @Test
    void aPlainMessageToAReplyingSubscriberIsHandledOneWayAndAnswersNothing() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        cluster.node(2).communicator.addSubscriberWithSender(ECHO, OneWireTest::text, (NodeId from, String request) -> {
            handled.add(from + ": " + request);
            return request + "!";
        }, OneWireTest::utf8, singleThread());

        sendPlain(ECHO, "no reply wanted");
        // A request afterwards, on the same stream and subject: it is answered, and it comes second.
        byte[] reply = cluster.node(1).communicator.sendAndReceive(ECHO, utf8("ping"), id(2))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(text(reply)).isEqualTo("ping!");
        assertThat(handled).containsExactly("n1: no reply wanted", "n1: ping");
        assertThat(cluster.node(1).communicator.lateReplyCount()).as("no reply to the plain message").isZero();
        assertThat(cluster.node(2).communicator.malformedCount()).isZero();
    }

    @Test
    void theOldSubscribersStillResolveAndStillWork() {
        List<String> received = new CopyOnWriteArrayList<>();
        // A method reference with one- and two-argument forms (List.add): addSubscriber stays unambiguous.
        cluster.node(2).communicator.addSubscriber(NEWS, OneWireTest::text, received::add, singleThread());

        sendPlain(NEWS, "still");

        await().atMost(WAIT).until(() -> received.equals(List.of("still")));
    }

    @Test
    void aLambdaMessageHandlerWrittenTheOldWayGetsPlainMessages() {
        List<String> handled = new CopyOnWriteArrayList<>();
        // The one abstract method is still handle(byte[]): a sibling's lambda compiles and runs unchanged.
        MessageHandler oldStyle = payload -> {
            handled.add(text(payload));
            return null;
        };
        cluster.node(2).assembly.addHandler(NEWS, oldStyle);

        sendPlain(NEWS, "old");

        await().atMost(WAIT).until(() -> handled.equals(List.of("old")));
        assertThat(oldStyle.handle(id(1), utf8("direct"))).as("the default forgets the sender").isNull();
        assertThat(handled).containsExactly("old", "direct");
    }

    @Test
    void aHandlerThatOverridesTheSenderMethodLearnsTheSender() throws Exception {
        List<String> handled = new CopyOnWriteArrayList<>();
        cluster.node(2).assembly.addHandler(ECHO, new MessageHandler() {
            @Override
            public byte[] handle(byte[] payload) {
                throw new AssertionError("Cohort calls handle(sender, payload)");
            }

            @Override
            public byte[] handle(NodeId sender, byte[] payload) {
                handled.add(sender + ": " + text(payload));
                return utf8("from " + sender);
            }
        });

        sendPlain(ECHO, "plain");
        byte[] reply = cluster.node(1).communicator.sendAndReceive(ECHO, utf8("request"), id(2))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(text(reply)).isEqualTo("from n1");
        assertThat(handled).containsExactly("n1: plain", "n1: request");
    }
}
