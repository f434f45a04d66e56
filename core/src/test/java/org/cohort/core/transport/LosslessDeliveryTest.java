package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerRestartedException;
import org.cohort.api.messaging.SendResult;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.config.DeliverySettings;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whole nodes on real loopback sockets: what an API accepted is delivered once and in order, through
 * resets of the stream, stalled subscribers and stopped handlers, or its sender is told.
 */
class LosslessDeliveryTest {

    private static final MessageSubject LOAD = MessageSubject.of("test.lossless.load");
    private static final MessageSubject SLOW = MessageSubject.of("test.lossless.slow");
    private static final MessageSubject FAST = MessageSubject.of("test.lossless.fast");

    private final InProcessCluster cluster = new InProcessCluster(2);
    private final List<ExecutorService> executors = new ArrayList<>();

    @AfterEach
    void close() {
        cluster.close();
        executors.forEach(ExecutorService::shutdownNow);
    }

    private ExecutorService singleThread(String name) {
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "test-" + name));
        executors.add(executor);
        return executor;
    }

    private static byte[] numbered(int n) {
        return ByteBuffer.allocate(64).putInt(0, n).array();
    }

    private static int numberOf(byte[] payload) {
        return ByteBuffer.wrap(payload).getInt(0);
    }

    /** Closes the live stream from node 1 to node 2 with a reset, as {@code ss -K} would. */
    private void resetStream() {
        Stream stream = await().atMost(Duration.ofSeconds(10))
                .until(() -> cluster.node(1).manager.table().get(InProcessCluster.id(2)), live -> live != null);
        Channel channel = stream.channel();
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
        channel.close();
    }

    /** Sends {@code count} numbered messages, each retried while refused for a full queue. */
    private List<CompletableFuture<Void>> sendAll(InProcessNode from, MessageSubject subject, int count,
            Runnable every5000) {
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < count; i++) {
            if (i > 0 && i % 5000 == 0) {
                every5000.run();
            }
            CompletableFuture<Void> outcome;
            while ((outcome = from.communicator.deliver(subject, numbered(i), InProcessCluster.id(2)))
                    .isCompletedExceptionally()) {
                assertThat(System.nanoTime()).as("refused for a full queue for a minute").isLessThan(deadline);
                LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200)); // pacing: the peer is catching up
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    @Test
    void threeResetsOfTheStreamUnderLoadLoseNothingAndDeliverNothingTwice() throws Exception {
        cluster.startAll();
        List<Integer> received = new CopyOnWriteArrayList<>();
        cluster.node(2).communicator.addSubscriber(LOAD, payload -> payload,
                payload -> received.add(numberOf(payload)), singleThread("load"));

        List<CompletableFuture<Void>> outcomes = sendAll(cluster.node(1), LOAD, 20_000, this::resetStream);

        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= 20_000);
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            expected.add(i);
        }
        assertThat(received).as("every message once, in send order").containsExactlyElementsOf(expected);
        assertThat(cluster.node(1).manager.counters()).containsEntry("delivery.acked", 20_000L)
                .containsEntry("delivery.failedBack.unreachable", 0L);
        assertThat(cluster.node(1).manager.counters().get("streamsClosed")).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aStalledSubjectHoldsUpNoOtherSubjectNorRequests() throws Exception {
        cluster.startAll();
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> slow = new CopyOnWriteArrayList<>();
        List<Integer> fast = new CopyOnWriteArrayList<>();
        cluster.node(2).communicator.addSubscriber(SLOW, payload -> payload, payload -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slow.add(numberOf(payload));
        }, singleThread("slow"));
        cluster.node(2).communicator.addSubscriber(FAST, payload -> payload, payload -> fast.add(numberOf(payload)),
                singleThread("fast"));
        InProcessNode sender = cluster.node(1);

        int accepted = 0;
        while (accepted < 20_000 && sender.communicator.trySend(SLOW, numbered(accepted), InProcessCluster.id(2))
                == SendResult.ACCEPTED) {
            accepted++;
        }
        for (int i = 0; i < 2_000; i++) {
            assertThat(sender.communicator.trySend(FAST, numbered(i), InProcessCluster.id(2)))
                    .isEqualTo(SendResult.ACCEPTED);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> fast.size() == 2_000);
        assertThat(sender.communicator.sendAndReceive(FAST, numbered(-1), InProcessCluster.id(2))
                .get(10, TimeUnit.SECONDS)).as("a request on the same stream is answered").isNotNull();
        assertThat(slow).isEmpty();

        release.countDown();
        int sentSlow = accepted;
        await().atMost(Duration.ofSeconds(60)).until(() -> slow.size() == sentSlow);
        for (int i = 0; i < sentSlow; i++) {
            assertThat(slow.get(i)).isEqualTo(i);
        }
        assertThat(cluster.node(2).comms.counters().rejected()).as("the receiver refused nothing").isZero();
    }

    @Test
    void aOneWayMessageToAStoppedHandlerFailsItsFutureWithNoRemoteHandlerException() {
        cluster.startAll();
        Subscription subscription = cluster.node(2).communicator.addSubscriber(LOAD, payload -> payload,
                payload -> { }, singleThread("load"));
        assertThat(cluster.node(1).communicator.deliver(LOAD, numbered(1), InProcessCluster.id(2)))
                .succeedsWithin(Duration.ofSeconds(10));

        subscription.close();

        assertThat(cluster.node(1).communicator.deliver(LOAD, numbered(2), InProcessCluster.id(2)))
                .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(NoRemoteHandlerException.class).withMessageContaining(LOAD.value());
        assertThat(cluster.node(1).manager.counters()).containsEntry("delivery.failedBack.noHandler", 1L);
        assertThat(cluster.node(1).manager.deliveryBySubject().get(LOAD.value())).as("the subject's own tally")
                .containsEntry("sent", 2L).containsEntry("acked", 1L).containsEntry("failedBack.noHandler", 1L);
    }

    @Test
    void messagesWaitingForAPeerThatRestartsFailWithPeerRestarted() throws Exception {
        // A linger longer than a JVM start on a loaded host: the restart, not the linger, must end them.
        cluster.create(cluster.settings(1).withDelivery(DeliverySettings.DEFAULTS.withLinger(Duration.ofSeconds(60))))
                .start();
        Process peer = ForkedNode.start(cluster, 2);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.node(1).manager.connectedPeers().size() == 1);
            ForkedNode.signal(peer, "KILL"); // no goodbye: its session waits for it through the linger
            peer.waitFor(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node(1).manager.connectedPeers().isEmpty());
            CompletableFuture<Void> waiting = cluster.node(1).communicator.deliver(LOAD, numbered(1),
                    InProcessCluster.id(2));
            assertThat(waiting).as("held for the linger").isNotDone();

            peer = ForkedNode.start(cluster, 2); // a new incarnation

            assertThat(waiting).failsWithin(Duration.ofSeconds(20)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(PeerRestartedException.class);
            assertThat(cluster.node(1).manager.counters()).containsEntry("delivery.failedBack.restarted", 1L);
        } finally {
            peer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPeerThatLeftFailsWhatWasHeldForItAtOnceAndRefusesNewSends() {
        cluster.startAll();
        CountDownLatch never = new CountDownLatch(1);
        cluster.node(2).communicator.addSubscriber(SLOW, payload -> payload, payload -> {
            try {
                never.await(); // the subscriber never catches up: credit runs out, the rest waits at node 1
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, singleThread("stuck"));
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            outcomes.add(cluster.node(1).communicator.deliver(SLOW, numbered(i), InProcessCluster.id(2)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.get(4095).isDone());

        cluster.stop(2); // says goodbye (after its leave timeout: the stuck subscriber holds its drain)
        never.countDown();

        assertThat(outcomes.get(4999)).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                .withCauseInstanceOf(NodeUnreachableException.class).withMessageContaining("left");
        assertThat(outcomes.subList(0, 4096)).allSatisfy(outcome -> assertThat(outcome).isNotCompletedExceptionally());
        assertThat(cluster.node(1).manager.counters()).containsEntry("delivery.failedBack.left", 904L);
        assertThat(cluster.node(1).communicator.trySend(SLOW, numbered(0), InProcessCluster.id(2)))
                .isEqualTo(SendResult.NO_STREAM);
    }

    @Test
    void whatWasAcceptedBeforeAGracefulStopBeganIsDelivered() throws Exception {
        // A leave timeout no loaded build host reaches: the test is about what a drain keeps, not its speed.
        cluster.create(cluster.settings(1).withLeaveTimeout(Duration.ofSeconds(60))).start();
        cluster.start(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.node(1).manager.connectedPeers().size() == 1
                && cluster.node(2).manager.connectedPeers().size() == 1);
        List<Integer> received = new CopyOnWriteArrayList<>();
        ExecutorService slowish = singleThread("slowish");
        cluster.node(2).communicator.addSubscriber(LOAD, payload -> payload, payload -> {
            received.add(numberOf(payload));
            if (received.size() % 1000 == 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a subscriber that takes its time
            }
        }, slowish);
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            CompletableFuture<Void> outcome = cluster.node(1).communicator.deliver(LOAD, numbered(i),
                    InProcessCluster.id(2));
            assertThat(outcome.isCompletedExceptionally()).as("accepted: %s", i).isFalse();
            outcomes.add(outcome);
        }

        cluster.stop(1); // drains, waits for the acks (up to its leave timeout), says goodbye

        assertThat(outcomes).as("every future settled by the stop").allSatisfy(outcome -> assertThat(outcome).isDone());
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isNotCompletedExceptionally());
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 10_000);
        for (int i = 0; i < 10_000; i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }
}
