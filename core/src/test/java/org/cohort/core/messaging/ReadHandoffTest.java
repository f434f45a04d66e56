package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.cohort.core.messaging.SubjectDispatcherTest.PING;
import static org.cohort.core.messaging.SubjectDispatcherTest.PONG;
import static org.cohort.core.messaging.SubjectDispatcherTest.message;
import static org.cohort.core.messaging.SubjectDispatcherTest.sequence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stream's reads handed to the subscribers' executors once per read and subject, and what a refusal then does. */
class ReadHandoffTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SubjectDispatcher dispatcher = new SubjectDispatcher(nanos::get);
    private final ExecutorService executor =
            Executors.newSingleThreadExecutor(task -> new Thread(task, "test-handler"));

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Counts its consumptions and the refusals it hears of, with their tokens. */
    static final class Account implements Consumption {
        final AtomicInteger consumed = new AtomicInteger();
        final List<Long> refusedTokens = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void consumed(ClusterMessage message) {
            consumed.incrementAndGet();
        }

        @Override
        public void refused(ClusterMessage message, long token) {
            refusedTokens.add(token);
        }
    }

    @Test
    void aReadsMessagesWakeEachSubjectsExecutorOnceAtTheHandOffAndRunInOrder() {
        AtomicInteger pingTasks = new AtomicInteger();
        AtomicInteger pongTasks = new AtomicInteger();
        List<Integer> pings = Collections.synchronizedList(new ArrayList<>());
        List<Integer> pongs = Collections.synchronizedList(new ArrayList<>());
        dispatcher.subscribe(PING, message -> pings.add(sequence(message)), task -> {
            pingTasks.incrementAndGet();
            executor.execute(task);
        });
        dispatcher.subscribe(PONG, message -> pongs.add(sequence(message)), task -> {
            pongTasks.incrementAndGet();
            executor.execute(task);
        });
        Account account = new Account();
        Intake.Batch batch = dispatcher.newBatch();

        for (int i = 0; i < 300; i++) {
            assertThat(batch.accept(message(i % 3 == 0 ? PONG : PING, i), account, i + 1)).isEqualTo(Acceptance.ACCEPTED);
        }
        assertThat(pingTasks.get() + pongTasks.get()).as("nothing handed before the read is done").isZero();
        assertThat(dispatcher.subjects()).allSatisfy(subject -> assertThat(subject.queuedMessages()).isPositive());

        batch.handOff();

        assertThat(pingTasks).as("one wake-up for the read's 200 pings").hasValue(1);
        assertThat(pongTasks).as("and one for its 100 pongs").hasValue(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> account.consumed.get() == 300);
        assertThat(pings).containsExactlyElementsOf(IntStream.range(0, 300).filter(i -> i % 3 != 0).boxed().toList());
        assertThat(pongs).containsExactlyElementsOf(IntStream.range(0, 300).filter(i -> i % 3 == 0).boxed().toList());
        assertThat(account.refusedTokens).isEmpty();

        batch.handOff(); // nothing taken since: no task
        assertThat(batch.accept(message(PING, 300), account, 301)).isEqualTo(Acceptance.ACCEPTED);
        batch.handOff();
        await().atMost(Duration.ofSeconds(10)).until(() -> account.consumed.get() == 301);
        assertThat(pings).endsWith(300);
        assertThat(pingTasks).as("the next read is a hand-off of its own").hasValue(2);
    }

    @Test
    void anExecutorThatRefusesTheHandOffTellsEachMessageWithItsTokenAndReturnsNoCreditOfItsOwn() {
        List<ClusterMessage> undelivered = Collections.synchronizedList(new ArrayList<>());
        dispatcher.addUndeliveredListener((message, reason) -> undelivered.add(message));
        dispatcher.subscribe(PING, message -> { }, executor);
        executor.shutdown(); // the subscriber's executor stops between the read and its hand-off
        Account account = new Account();
        Intake.Batch batch = dispatcher.newBatch();

        for (int i = 0; i < 3; i++) {
            assertThat(batch.accept(message(PING, i), account, 10 + i)).isEqualTo(Acceptance.ACCEPTED);
        }
        batch.handOff();

        assertThat(account.refusedTokens).containsExactly(10L, 11L, 12L);
        assertThat(account.consumed).as("the refusal's outcome returns the credit, not the dispatcher").hasValue(0);
        assertThat(undelivered).extracting(SubjectDispatcherTest::sequence).containsExactly(0, 1, 2);
        assertThat(dispatcher.counters().rejected()).isEqualTo(3);
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isZero();
    }

    @Test
    void aMessageRefusedAtOnceIsOnlyReportedAsRefused() {
        dispatcher.subscribe(PING, message -> { }, executor);
        executor.shutdown();
        Account account = new Account();

        assertThat(dispatcher.accept(message(PING, 1), account)).isEqualTo(Acceptance.REFUSED);

        assertThat(account.consumed).as("its caller tells the sender, and returns the credit then").hasValue(0);
        assertThat(account.refusedTokens).isEmpty();
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isZero();
    }

    @Test
    void whatIsSettledOnArrivalIsSettledAtOnceInABatch() {
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        dispatcher.subscribe(PONG, message -> threads.add(Thread.currentThread().getName()),
                ClusterCommunicationService.IO_THREAD);
        Account account = new Account();
        Intake.Batch batch = dispatcher.newBatch();

        assertThat(batch.accept(message(PING, 1), account, 1)).isEqualTo(Acceptance.NO_HANDLER);
        assertThat(batch.accept(message(PONG, 2), account, 2)).isEqualTo(Acceptance.ACCEPTED);

        assertThat(threads).as("a handler on the IO thread runs as its message is read")
                .containsExactly(Thread.currentThread().getName());
        assertThat(account.consumed).hasValue(1);
        batch.handOff();
        assertThat(dispatcher.counters().noHandler()).isEqualTo(1);
    }

    @Test
    void aSubscriptionClosedOrReplacedMidReadIsSeenByTheReadsNextMessage() {
        List<Integer> first = Collections.synchronizedList(new ArrayList<>());
        List<Integer> second = Collections.synchronizedList(new ArrayList<>());
        org.cohort.api.messaging.Subscription subscription =
                dispatcher.subscribe(PING, message -> first.add(sequence(message)), executor);
        Account account = new Account();
        Intake.Batch batch = dispatcher.newBatch();
        ClusterMessage one = message(PING, 1);

        assertThat(batch.accept(one, account, 1)).isEqualTo(Acceptance.ACCEPTED);
        subscription.close();
        assertThat(batch.accept(new ClusterMessage(one.sender(), one.subject(), new byte[] {0, 0, 0, 2}), account, 2))
                .isEqualTo(Acceptance.NO_HANDLER);
        dispatcher.subscribe(PING, message -> second.add(sequence(message)), executor);
        assertThat(batch.accept(new ClusterMessage(one.sender(), one.subject(), new byte[] {0, 0, 0, 3}), account, 3))
                .isEqualTo(Acceptance.ACCEPTED);
        batch.handOff();

        await().atMost(Duration.ofSeconds(10)).until(() -> account.consumed.get() == 2);
        assertThat(first).as("accepted before the close, it still runs").containsExactly(1);
        assertThat(second).containsExactly(3);
    }

    /** A credit account: it records each run it is told of. */
    static final class Runs implements org.cohort.core.delivery.CreditAccount {
        final List<Integer> runs = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void consumed(ClusterMessage message) {
            consumed(1, message.payload().length);
        }

        @Override
        public void consumed(int messages, long bytes) {
            runs.add(messages);
            this.bytes.addAndGet(bytes);
        }
    }

    @Test
    void aCreditAccountIsCountedInAndToldInRunsNotMessageByMessage() {
        SubjectDispatcherTest.QueueExecutor held = new SubjectDispatcherTest.QueueExecutor();
        List<Integer> pings = new ArrayList<>();
        dispatcher.subscribe(PING, message -> pings.add(sequence(message)), held);
        Runs first = new Runs();
        Runs second = new Runs();
        Intake.Batch batch = dispatcher.newBatch();

        for (int i = 0; i < 600; i++) {
            batch.accept(message(PING, i), i < 300 ? first : second, i + 1);
        }
        assertThat(dispatcher.subjects().get(0).queuedMessages()).as("counted in at the hand-off").isZero();
        batch.handOff();
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isEqualTo(600);
        assertThat(dispatcher.subjects().get(0).queuedBytes()).isEqualTo(2400);
        held.runAll();

        assertThat(pings).containsExactlyElementsOf(IntStream.range(0, 600).boxed().toList());
        assertThat(first.runs).as("at most %d at once", SubjectBacklog.RELEASE_RUN).containsExactly(256, 44);
        assertThat(second.runs).containsExactly(256, 44);
        assertThat(first.bytes.get() + second.bytes.get()).isEqualTo(2400);
        assertThat(dispatcher.subjects().get(0).queuedMessages()).isZero();
        assertThat(dispatcher.subjects().get(0).queuedBytes()).isZero();
    }
}
