package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cohort.core.messaging.SubjectDispatcherTest.PING;
import static org.cohort.core.messaging.SubjectDispatcherTest.PONG;
import static org.cohort.core.messaging.SubjectDispatcherTest.message;

import java.util.ArrayList;
import java.util.List;
import org.cohort.api.messaging.ClusterMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.messaging.SubjectDispatcherTest.QueueExecutor;
import org.junit.jupiter.api.Test;

class CommunicationsComponentTest {

    private final CommunicationsComponent component = new CommunicationsComponent();

    @Test
    void keepsTheSenderUntilItIsWithdrawn() {
        MessageSender sender = new RefusingSender();
        assertThat(component.sender()).isEmpty();

        component.setSender(sender);
        assertThat(component.sender()).containsSame(sender);

        component.setSender(null);
        assertThat(component.sender()).isEmpty();
    }

    @Test
    void dispatchesToSubscribers() {
        List<ClusterMessage> handled = new ArrayList<>();
        QueueExecutor queue = new QueueExecutor();
        component.subscribe(PING, handled::add, queue);

        component.dispatch(message(PING, 7));
        queue.runAll();

        assertThat(handled).containsExactly(message(PING, 7));
        assertThat(component.counters()).isEqualTo(new DispatchCounters(1, 0, 0, 0));
    }

    @Test
    void deactivationDropsTheSenderAndTheSubscriptions() {
        QueueExecutor queue = new QueueExecutor();
        component.setSender(new RefusingSender());
        component.subscribe(PING, message -> { }, queue);

        component.deactivate();
        component.dispatch(message(PING, 1));

        assertThat(component.sender()).isEmpty();
        assertThat(queue.pending()).isZero();
        assertThat(component.counters().noHandler()).isEqualTo(1);
    }

    @Test
    void aSubjectNoSubscriberClaimsGoesToTheFallbackDelegateWhileOneIsBound() {
        List<ClusterMessage> handled = new ArrayList<>();
        QueueExecutor queue = new QueueExecutor();
        component.subscribe(PING, handled::add, queue);
        RecordingDelegate fallback = new RecordingDelegate();
        component.bindFallback(fallback);
        component.dispatch(message(PING, 1));
        assertThat(component.accept(message(PONG, 2), Consumption.NONE)).isEqualTo(Acceptance.ACCEPTED);
        component.dispatch(MessageHeader.oneWay(NodeId.of("node-2"), PONG, new byte[] {3}));
        queue.runAll();

        assertThat(handled).containsExactly(message(PING, 1));
        assertThat(fallback.dispatched).extracting(ClusterMessage::subject).containsExactly(PONG, PONG);
        assertThat(component.counters().noHandler()).isZero();

        component.unbindFallback(fallback);
        assertThat(component.accept(message(PONG, 5), Consumption.NONE)).isEqualTo(Acceptance.NO_HANDLER);

        assertThat(fallback.dispatched).hasSize(2);
        assertThat(component.counters().noHandler()).isEqualTo(1);
    }

    @Test
    void aRequestNoSubscriberClaimsIsNotHandedToTheFallbackDelegate() {
        RecordingDelegate fallback = new RecordingDelegate();
        component.bindFallback(fallback);
        ClusterMessage request = MessageHeader.request(NodeId.of("node-2"), PONG, 9L, new byte[] {1});

        // The delegate could not answer it in a way the requester understands: "no handler" is the answer.
        assertThat(component.accept(request, Consumption.NONE)).isEqualTo(Acceptance.NO_HANDLER);
        assertThat(fallback.dispatched).isEmpty();
        assertThat(component.counters().noHandler()).isEqualTo(1);
    }

    @Test
    void theFallbackDelegateIsHandedTheSenderAndLosesItWhenUnbound() {
        RecordingDelegate fallback = new RecordingDelegate();
        MessageSender sender = new RefusingSender();
        component.setSender(sender);

        component.bindFallback(fallback);
        assertThat(fallback.sender).isSameAs(sender);
        component.setSender(null);
        assertThat(fallback.sender).isNull();
        component.setSender(sender);
        assertThat(fallback.sender).isSameAs(sender);

        component.unbindFallback(new RecordingDelegate()); // not the one bound: nothing changes
        assertThat(fallback.sender).isSameAs(sender);
        component.unbindFallback(fallback);
        assertThat(fallback.sender).isNull();
    }

    @Test
    void aFallbackDelegateThatThrowsDoesNotReachTheCaller() {
        component.bindFallback(new RecordingDelegate() {
            @Override
            public void dispatch(ClusterMessage message) {
                throw new IllegalStateException("delegate bug");
            }
        });

        component.dispatch(message(PONG, 1));

        assertThat(component.counters().noHandler()).isZero();
    }

    /** A sibling's delegate: records what it is handed. */
    private static class RecordingDelegate implements CommunicationsDelegate {
        final List<ClusterMessage> dispatched = new ArrayList<>();
        MessageSender sender;

        @Override
        public void setSender(MessageSender sender) {
            this.sender = sender;
        }

        @Override
        public void dispatch(ClusterMessage message) {
            dispatched.add(message);
        }
    }

    /** A sender that refuses everything, as a stopped node's would: only its identity matters here. */
    private static final class RefusingSender implements MessageSender {
        @Override
        public boolean send(NodeId nodeId, ClusterMessage message) {
            return false;
        }

        @Override
        public SendResult trySend(NodeId nodeId, ClusterMessage message) {
            return SendResult.STOPPED;
        }

        @Override
        public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
            return CompletableFuture.failedFuture(new MessagingException("stopped"));
        }
    }
}
