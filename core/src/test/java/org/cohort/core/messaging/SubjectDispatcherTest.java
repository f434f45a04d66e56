package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.Timeout;

class SubjectDispatcherTest {

    static final NodeId SENDER = NodeId.of("n2");
    static final MessageSubject PING = MessageSubject.of("test.ping");
    static final MessageSubject PONG = MessageSubject.of("test.pong");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SubjectDispatcher dispatcher = new SubjectDispatcher(nanos::get);
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(task -> new Thread(task, "test-handler"));

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void runsTheHandlerOnItsExecutorNotOnTheCallingThread() {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        dispatcher.subscribe(PING, message -> threads.add(Thread.currentThread().getName()), executor);

        dispatcher.dispatch(message(PING, 1));

        await().atMost(WAIT).until(() -> dispatcher.counters().delivered() == 1);
        assertThat(threads).containsExactly("test-handler");
        assertThat(Thread.currentThread().getName()).isNotEqualTo("test-handler");
    }

    @Test
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void keepsTheOrderOfOneSubjectOnASingleThreadExecutor() {
        int count = 10_000;
        List<Integer> received = Collections.synchronizedList(new ArrayList<>(count));
        dispatcher.subscribe(PING, message -> received.add(sequence(message)), executor);

        for (int i = 0; i < count; i++) {
            dispatcher.dispatch(message(PING, i));
        }

        await().atMost(WAIT).until(() -> dispatcher.counters().delivered() == count);
        List<Integer> expected = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            expected.add(i);
        }
        assertThat(received).isEqualTo(expected);
        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(count, 0, 0, 0));
    }

    @Test
    @Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
    void aHandlerOnTheIoThreadsRunsEachCallersMessagesInOrderWhileSeveralCallAtOnce() throws Exception {
        // Two "IO threads", each with its own sender's messages, dispatch to one subscriber at once.
        int perSender = 300_000;
        NodeId[] senders = {NodeId.of("n2"), NodeId.of("n3")};
        Map<NodeId, Integer> last = new ConcurrentHashMap<>();
        AtomicInteger outOfOrder = new AtomicInteger();
        dispatcher.subscribe(PING, message -> {
            Integer before = last.put(message.sender(), sequence(message));
            if (before != null && sequence(message) != before + 1) {
                outOfOrder.incrementAndGet();
            }
        }, ClusterCommunicationService.IO_THREAD);

        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        List<ExecutorService> ioThreads = new ArrayList<>();
        for (NodeId sender : senders) {
            ExecutorService ioThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "test-io-" + sender));
            ioThreads.add(ioThread);
            callers.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perSender; i++) {
                    dispatcher.dispatch(new ClusterMessage(sender, PING, message(PING, i).payload()));
                }
            }, ioThread));
        }
        start.countDown();
        try {
            CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
        } finally {
            ioThreads.forEach(ExecutorService::shutdownNow);
        }

        assertThat(outOfOrder).as("messages overtaken by a later one of the same sender").hasValue(0);
        assertThat(last).containsEntry(senders[0], perSender - 1).containsEntry(senders[1], perSender - 1);
        assertThat(dispatcher.counters().delivered()).isEqualTo(2L * perSender);
    }

    @Test
    void countsMessagesWithoutAHandler() {
        dispatcher.subscribe(PING, message -> { }, executor);

        dispatcher.dispatch(message(PONG, 1));
        dispatcher.dispatch(message(PONG, 2));

        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(0, 2, 0, 0));
    }

    @Test
    void countsMessagesTheExecutorRejectsWithoutThrowingToTheCaller() {
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        List<ClusterMessage> handled = new ArrayList<>();
        dispatcher.subscribe(PING, handled::add, stopped);

        for (int i = 0; i < 3; i++) {
            dispatcher.dispatch(message(PING, i));
        }
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(2));
        dispatcher.dispatch(message(PING, 3));

        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(0, 0, 4, 0));
        assertThat(handled).isEmpty();
    }

    @Test
    void countsAnExecutorThatFailsOtherwiseAsRejected() {
        dispatcher.subscribe(PING, message -> { }, task -> {
            throw new IllegalStateException("broken executor");
        });

        dispatcher.dispatch(message(PING, 1));

        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(0, 0, 1, 0));
    }

    @Test
    void countsAFailingHandlerAndKeepsDelivering() {
        List<Integer> received = Collections.synchronizedList(new ArrayList<>());
        dispatcher.subscribe(PING, message -> {
            int sequence = sequence(message);
            if (sequence == 1) {
                throw new IllegalArgumentException("handler bug on message " + sequence);
            }
            if (sequence == 2) {
                throw new NoClassDefFoundError("org/example/GoneAfterRefresh");
            }
            received.add(sequence);
        }, executor);

        for (int i = 0; i < 5; i++) {
            dispatcher.dispatch(message(PING, i));
        }

        await().atMost(WAIT).until(() -> dispatcher.counters().total() == 5);
        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(3, 0, 0, 2));
        assertThat(received).containsExactly(0, 3, 4);
    }

    @Test
    void refusesASecondHandlerForTheSameSubject() {
        dispatcher.subscribe(PING, message -> { }, executor);

        assertThatThrownBy(() -> dispatcher.subscribe(PING, message -> { }, executor))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test.ping");
        dispatcher.subscribe(PONG, message -> { }, executor);
    }

    @Test
    void closingUnsubscribes() {
        List<ClusterMessage> handled = new ArrayList<>();
        QueueExecutor queue = new QueueExecutor();
        Subscription subscription = dispatcher.subscribe(PING, handled::add, queue);
        assertThat(subscription.subject()).isEqualTo(PING);

        subscription.close();
        dispatcher.dispatch(message(PING, 1));

        assertThat(queue.pending()).isZero();
        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(0, 1, 0, 0));
        assertThat(handled).isEmpty();
    }

    @Test
    void closingTwiceDoesNotRemoveALaterSubscription() {
        List<ClusterMessage> later = new ArrayList<>();
        QueueExecutor queue = new QueueExecutor();
        Subscription first = dispatcher.subscribe(PING, message -> { }, queue);
        first.close();
        dispatcher.subscribe(PING, later::add, queue);

        first.close();
        dispatcher.dispatch(message(PING, 1));
        queue.runAll();

        assertThat(later).hasSize(1);
        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(1, 0, 0, 0));
    }

    @Test
    void messagesAcceptedBeforeCloseStillRunAndLaterOnesFindNoHandler() {
        List<ClusterMessage> handled = new ArrayList<>();
        QueueExecutor queue = new QueueExecutor();
        Subscription subscription = dispatcher.subscribe(PING, handled::add, queue);
        dispatcher.dispatch(message(PING, 1));
        dispatcher.dispatch(message(PING, 2));

        subscription.close();
        dispatcher.dispatch(message(PING, 3));
        queue.runAll();

        // Handed to the executor before the close (their senders were told so): they run.
        assertThat(handled).containsExactly(message(PING, 1), message(PING, 2));
        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(2, 1, 0, 0));
    }

    @Test
    void unsubscribeAllClosesEverySubscription() {
        QueueExecutor queue = new QueueExecutor();
        dispatcher.subscribe(PING, message -> { }, queue);
        dispatcher.subscribe(PONG, message -> { }, queue);

        dispatcher.unsubscribeAll();
        dispatcher.dispatch(message(PING, 1));
        dispatcher.dispatch(message(PONG, 2));

        assertThat(queue.pending()).isZero();
        assertThat(dispatcher.counters()).isEqualTo(new DispatchCounters(0, 2, 0, 0));
        dispatcher.subscribe(PING, message -> { }, queue);
    }

    @Test
    void aBurstIsOneTaskOnTheExecutorAndRunsInOrder() {
        Queue<Runnable> tasks = new ArrayDeque<>();
        List<Integer> handled = new ArrayList<>();
        dispatcher.subscribe(PING, message -> handled.add(sequence(message)), tasks::add);

        for (int i = 0; i < 100; i++) {
            dispatcher.dispatch(message(PING, i));
        }
        assertThat(tasks).as("one task for the burst").hasSize(1);
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isEqualTo(100);
        tasks.poll().run();

        assertThat(handled).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isZero();
        dispatcher.dispatch(message(PING, 100));
        assertThat(tasks).as("a message after the burst ran is a new burst").hasSize(1);
        tasks.poll().run();
        assertThat(handled).hasSize(101).endsWith(100);
        assertThat(dispatcher.counters().delivered()).isEqualTo(101);
    }

    @Test
    void aRefusedDrainRefusesEveryMessageWaitingForIt() {
        List<ClusterMessage> undelivered = new ArrayList<>();
        dispatcher.addUndeliveredListener((message, reason) -> undelivered.add(message));
        Queue<Runnable> tasks = new ArrayDeque<>();
        boolean[] refuse = {false};
        dispatcher.subscribe(PING, message -> { }, task -> {
            if (refuse[0]) {
                throw new RejectedExecutionException("full");
            }
            tasks.add(task);
        });
        dispatcher.dispatch(message(PING, 1));
        tasks.poll().run();

        refuse[0] = true;
        dispatcher.dispatch(message(PING, 2));
        dispatcher.dispatch(message(PING, 3)); // a new burst again: the refused one took everything

        assertThat(undelivered).extracting(SubjectDispatcherTest::sequence).containsExactly(2, 3);
        assertThat(dispatcher.counters().rejected()).isEqualTo(2);
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isZero();
    }

    static ClusterMessage message(MessageSubject subject, int sequence) {
        return new ClusterMessage(SENDER, subject, new byte[] {
            (byte) (sequence >>> 24), (byte) (sequence >>> 16), (byte) (sequence >>> 8), (byte) sequence});
    }

    static int sequence(ClusterMessage message) {
        byte[] p = message.payload();
        return (p[0] & 0xff) << 24 | (p[1] & 0xff) << 16 | (p[2] & 0xff) << 8 | p[3] & 0xff;
    }

    /** Holds tasks until the test runs them, on the test's thread. */
    static final class QueueExecutor implements java.util.concurrent.Executor {

        private final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        int pending() {
            return tasks.size();
        }

        void runAll() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
            }
        }
    }

    @Test
    void aSlowHandlersBacklogIsBoundedInMessagesAndOverflowIsRefusedAndCounted() throws Exception {
        SubjectDispatcher bounded = new SubjectDispatcher(nanos::get, 3, Long.MAX_VALUE);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<ClusterMessage> handled = Collections.synchronizedList(new ArrayList<>());
        List<SubjectDispatcher.Undelivered> refused = Collections.synchronizedList(new ArrayList<>());
        bounded.addUndeliveredListener((message, reason) -> refused.add(reason));
        MessageSubject subject = MessageSubject.of("slow");
        bounded.subscribe(subject, message -> {
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            handled.add(message);
        }, executor);

        for (int i = 0; i < 5; i++) {
            bounded.dispatch(new ClusterMessage(NodeId.of("n2"), subject, new byte[] {(byte) i}));
        }
        assertThat(bounded.counters().rejected()).isEqualTo(2);
        assertThat(refused).containsExactly(SubjectDispatcher.Undelivered.REJECTED,
                SubjectDispatcher.Undelivered.REJECTED);

        release.countDown();
        await().atMost(WAIT).until(() -> handled.size() == 3);
        // The backlog drained: the subject takes work again.
        bounded.dispatch(new ClusterMessage(NodeId.of("n2"), subject, new byte[] {9}));
        await().atMost(WAIT).until(() -> handled.size() == 4);
        assertThat(handled).extracting(message -> message.payload()[0]).containsExactly((byte) 0, (byte) 1, (byte) 2,
                (byte) 9);
    }

    @Test
    void aSubjectsBacklogIsBoundedInBytesToo() {
        SubjectDispatcher bounded = new SubjectDispatcher(nanos::get, 1000, 100);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        MessageSubject subject = MessageSubject.of("bulky");
        bounded.subscribe(subject, message -> {
            try {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, executor);
        bounded.dispatch(new ClusterMessage(NodeId.of("n2"), subject, new byte[60]));
        bounded.dispatch(new ClusterMessage(NodeId.of("n2"), subject, new byte[60])); // 120 > 100: refused
        bounded.dispatch(new ClusterMessage(NodeId.of("n2"), subject, new byte[40]));
        assertThat(bounded.counters().rejected()).isEqualTo(1);
        release.countDown();
    }

    @Test
    void subjectsShowEachSubscriptionsBacklogBoundsAndCounters() {
        SubjectDispatcher bounded = new SubjectDispatcher(nanos::get, 2, 1000);
        QueueExecutor queue = new QueueExecutor();
        Subscription pong = bounded.subscribe(PONG, message -> { }, queue);
        bounded.subscribe(PING, message -> {
            if (sequence(message) == 13) {
                throw new IllegalStateException("unlucky");
            }
        }, queue);
        for (int i = 11; i <= 13; i++) {
            bounded.dispatch(message(PING, i)); // the third is one message too many
        }
        bounded.dispatch(message(PONG, 1));

        assertThat(bounded.subjects()).containsExactly(
                new SubjectStats(PING, 2, 8, 2, 1000, 0, 1, 0, 0),
                new SubjectStats(PONG, 1, 4, 2, 1000, 0, 0, 0, 0));
        queue.runAll();
        bounded.dispatch(message(PING, 13));
        queue.runAll();
        assertThat(bounded.subjects()).containsExactly(
                new SubjectStats(PING, 0, 0, 2, 1000, 2, 1, 1, 0),
                new SubjectStats(PONG, 0, 0, 2, 1000, 1, 0, 0, 0));
        assertThat(bounded.counters()).isEqualTo(new DispatchCounters(3, 0, 1, 1));

        pong.close();
        assertThat(bounded.subjects()).extracting(SubjectStats::subject).containsExactly(PING);
    }
}
