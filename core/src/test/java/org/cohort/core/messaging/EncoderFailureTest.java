package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.cohort.core.testing.InProcessCluster.id;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.RemoteHandlerFailureException;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a caller sees when its own encoder or decoder fails, on either side, and that the receiving node
 * counts what it could not handle: no message an API call accepted is lost without its sender being told.
 */
class EncoderFailureTest {

    private static final MessageSubject ECHO = MessageSubject.of("test.echo");
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final Function<String, byte[]> FAILING_ENCODER = text -> {
        throw new IllegalStateException("cannot encode " + text);
    };

    /** A sibling's payload type, registered under an id the two nodes disagree on. */
    record Order(String item, int quantity) {
    }

    /** Another sibling type that node 2 registered under the id node 1 uses for {@link Order}. */
    record Invoice(long number) {
    }

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final ExecutorService subscriberThread =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "cohort-test-subscriber"));
    private InProcessCluster cluster;

    @BeforeEach
    void start() {
        cluster = new InProcessCluster(2);
        cluster.startAll();
    }

    @AfterEach
    void stop() throws InterruptedException {
        cluster.close();
        subscriberThread.shutdownNow();
        assertThat(subscriberThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the future to fail");
    }

    private void subscribeEcho() {
        cluster.node(2).communicator.addSubscriber(ECHO, EncoderFailureTest::text, (String request) -> {
            received.add(request);
            return request;
        }, EncoderFailureTest::utf8, subscriberThread);
    }

    @Test
    void aUnicastEncoderThatThrowsThrowsToTheCallerAndSendsNothing() throws Exception {
        subscribeEcho();
        ClusterCommunicator client = cluster.node(1).communicator;

        assertThatThrownBy(() -> client.unicast(ECHO, "x", FAILING_ENCODER, id(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot encode x");

        // The next message on the stream is the first the subscriber sees.
        assertThat(client.sendAndReceive(ECHO, "after", EncoderFailureTest::utf8, EncoderFailureTest::text, id(2),
                LONG).get(20, TimeUnit.SECONDS)).isEqualTo("after");
        assertThat(received).containsExactly("after");
    }

    @Test
    void aRequestEncoderThatThrowsFailsTheFutureWithItsExceptionAndSendsNothing() throws Exception {
        subscribeEcho();
        ClusterCommunicator client = cluster.node(1).communicator;

        CompletableFuture<String> reply = client.sendAndReceive(ECHO, "x", FAILING_ENCODER, EncoderFailureTest::text,
                id(2), LONG);

        assertThat(failureOf(reply)).isInstanceOf(IllegalStateException.class).hasMessage("cannot encode x");
        assertThat(client.pendingCount()).isZero();
        assertThat(failureOf(client.sendAndReceive(ECHO, "y", text -> null, EncoderFailureTest::text, id(2), LONG)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("encoder returned null");
        assertThat(received).isEmpty();
    }

    @Test
    void aReplyEncoderThatThrowsFailsTheRequestAndIsCountedWhereItRan() throws Exception {
        cluster.node(2).communicator.addSubscriber(ECHO, EncoderFailureTest::text, (String request) -> request,
                FAILING_ENCODER, subscriberThread);
        long failedBefore = cluster.node(2).comms.counters().handlerFailed();

        Throwable failure = failureOf(cluster.node(1).communicator.sendAndReceive(ECHO, utf8("reply me"), id(2), LONG));

        assertThat(failure).isInstanceOf(RemoteHandlerFailureException.class)
                .hasMessageContaining("test.echo")
                .hasMessageContaining("cannot encode reply me");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cluster.node(2).comms.counters().handlerFailed() == failedBefore + 1);
    }

    @Test
    void aTypeIdMismatchBetweenNodesIsNamedToTheRequesterAndCountedByTheReceiver() throws Exception {
        KryoSerialization runtime1 = new KryoSerialization();
        KryoSerialization runtime2 = new KryoSerialization();
        OwnedSerializationService node1 = new OwnedSerializationService(runtime1, "bundle on n1",
                getClass().getClassLoader()::loadClass);
        OwnedSerializationService node2 = new OwnedSerializationService(runtime2, "bundle on n2",
                getClass().getClassLoader()::loadClass);
        node1.register(1200, Order.class);
        node2.register(1200, Invoice.class);
        node2.register(1201, Order.class);
        List<Order> orders = new CopyOnWriteArrayList<>();
        cluster.node(2).communicator.addSubscriber(ECHO, bytes -> node2.deserialize(bytes, Order.class),
                orders::add, subscriberThread);
        long failedBefore = cluster.node(2).comms.counters().handlerFailed();

        Throwable failure = failureOf(cluster.node(1).communicator.sendAndReceive(ECHO, new Order("disk", 2),
                node1::serialize, bytes -> bytes, id(2), LONG));
        cluster.node(1).communicator.unicast(ECHO, new Order("one way", 1), node1::serialize, id(2));

        assertThat(failure).isInstanceOf(RemoteHandlerFailureException.class)
                .hasMessageContaining(SerializationException.class.getName())
                .hasMessageContaining(Order.class.getName())
                .hasMessageContaining("type id 1200 is " + Invoice.class.getName() + " on this node");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cluster.node(2).comms.counters().handlerFailed() == failedBefore + 2);
        assertThat(orders).isEmpty();
        node1.close();
        node2.close();
    }
}
