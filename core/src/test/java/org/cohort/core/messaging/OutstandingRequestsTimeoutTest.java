package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.MessagingTimeoutException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipView;
import org.cohort.core.messaging.MessageHeader.Status;
import org.cohort.core.runtime.ManualClock;
import org.cohort.core.runtime.ManualTimer;
import org.cohort.core.runtime.Scheduling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request timeouts on virtual time: the requests' timer is a {@link ManualTimer} with the communicator's
 * tick, and the stages run at once on the test's thread, so a request fails exactly when the timer runs
 * its timeout. The real timer wheel and threads are {@link ClusterCommunicatorTest}'s.
 */
class OutstandingRequestsTimeoutTest {

    private static final NodeId LOCAL = NodeId.of("n1");
    private static final NodeId PEER = NodeId.of("n2");
    private static final MessageSubject ECHO = MessageSubject.of("test.echo");
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(ClusterCommunicator.TIMEOUT_TICK_MS);

    private final ManualClock clock = new ManualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final List<ManualTimer> timers = new ArrayList<>();
    private final List<ClusterMessage> sent = new ArrayList<>();
    private final OutstandingRequests requests = new OutstandingRequests(LOCAL, new RecordingSender(),
            new NoMembers(), message -> { }, new Scheduling() {
                @Override
                public EventExecutor newSerialExecutor(String name) {
                    return ImmediateEventExecutor.INSTANCE;
                }

                @Override
                public Timer newTimer(String name, long tickMillis) {
                    ManualTimer timer = new ManualTimer(clock, tickMillis);
                    timers.add(timer);
                    return timer;
                }
            });

    @AfterEach
    void close() {
        requests.close();
    }

    private ManualTimer timer() {
        assertThat(timers).as("one timer for the requests").hasSize(1);
        return timers.get(0);
    }

    @Test
    void everyRequestTimesOutAtItsOwnTimeoutNotBeforeAndWithinOneTickAfter() {
        int count = 300;
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        long[] deadline = new long[count];
        long[] failedAt = new long[count];
        for (int i = 0; i < count; i++) {
            // Sent over the first 30 ms, most of them between two ticks; timeouts 100 to 399 ms, in no order.
            if (i % 10 == 0) {
                timer().advance(Duration.ofMillis(1));
            }
            Duration timeout = Duration.ofMillis(100 + (i * 7) % 300);
            deadline[i] = clock.nanoTime() + timeout.toNanos();
            int index = i;
            CompletableFuture<byte[]> reply = requests.send(ECHO, "x".getBytes(StandardCharsets.UTF_8), PEER, timeout, null);
            reply.whenComplete((value, failure) -> failedAt[index] = clock.nanoTime());
            replies.add(reply);
        }
        assertThat(sent).hasSize(count);

        timer().advance(Duration.ofMillis(500));

        for (int i = 0; i < count; i++) {
            CompletableFuture<byte[]> reply = replies.get(i);
            assertThat(reply).as("request %d", i).isCompletedExceptionally();
            assertThat(reply.handle((value, failure) -> failure).join()).isInstanceOf(MessagingTimeoutException.class);
            assertThat(failedAt[i]).as("request %d failed at (ns)", i)
                    .isGreaterThanOrEqualTo(deadline[i]).isLessThan(deadline[i] + TICK_NANOS);
        }
        assertThat(requests.pendingCount()).isZero();
    }

    @Test
    void aRequestIsStillWaitingOneMillisecondBeforeItsTimeout() {
        CompletableFuture<byte[]> reply = requests.send(ECHO, new byte[0], PEER, Duration.ofMillis(250), null);

        timer().advance(Duration.ofMillis(249));
        assertThat(reply).isNotDone();
        assertThat(requests.pendingCount()).isOne();

        timer().advance(Duration.ofMillis(ClusterCommunicator.TIMEOUT_TICK_MS));
        assertThat(reply).isCompletedExceptionally();
        assertThat(requests.pendingCount()).isZero();
    }

    @Test
    void aReplyBeforeTheTimeoutCancelsItAndTheRequestNeverFails() {
        CompletableFuture<byte[]> reply = requests.send(ECHO, new byte[0], PEER, Duration.ofMillis(200), null);
        timer().advance(Duration.ofMillis(150));

        long requestId = MessageHeader.requestIdOf(sent.get(0));
        requests.onReply(MessageHeader.reply(PEER, MessageSubject.of(MessageHeader.REPLY_SUBJECT), requestId,
                Status.OK, "y".getBytes(StandardCharsets.UTF_8)));
        timer().advance(Duration.ofSeconds(1));

        assertThat(reply.join()).asString(StandardCharsets.UTF_8).isEqualTo("y");
        assertThat(timer().pendingCount()).as("timeouts left on the timer").isZero();
        assertThat(requests.pendingCount()).isZero();
    }

    /** Takes every message and keeps it. */
    private final class RecordingSender implements MessageSender {
        @Override
        public boolean send(NodeId nodeId, ClusterMessage message) {
            sent.add(message);
            return true;
        }

        @Override
        public SendResult trySend(NodeId nodeId, ClusterMessage message) {
            send(nodeId, message);
            return SendResult.ACCEPTED;
        }

        @Override
        public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
            throw new UnsupportedOperationException("requests are not delivered");
        }
    }

    /** Knows no member's state: requests go out as to a node not yet heard of. */
    private static final class NoMembers implements MembershipView {
        @Override
        public List<MemberState> states() {
            return List.of();
        }

        @Override
        public Optional<MemberState> state(NodeId nodeId) {
            return Optional.empty();
        }

        @Override
        public void addStateListener(Consumer<? super MemberState> listener) {
        }

        @Override
        public void removeStateListener(Consumer<? super MemberState> listener) {
        }
    }
}
