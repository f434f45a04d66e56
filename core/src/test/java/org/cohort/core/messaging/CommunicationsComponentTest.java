package org.cohort.core.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cohort.core.messaging.SubjectDispatcherTest.PING;
import static org.cohort.core.messaging.SubjectDispatcherTest.message;

import java.util.ArrayList;
import java.util.List;
import org.cohort.api.messaging.ClusterMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSender;
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
