package org.cohort.bench.jmh;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiPredicate;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.SendResult;

/**
 * A {@link MessageSender} made of one yes/no send, for the microbenchmarks' hand-wired nodes: they measure
 * {@code send} (what {@code unicast} calls). {@code trySend} reports a refusal as {@link SendResult#QUEUE_FULL},
 * the only one a detached stream has; {@code deliver} completes once the message is queued, since nothing
 * here waits for the peer's acceptance.
 */
final class BooleanSender implements MessageSender {

    private final BiPredicate<NodeId, ClusterMessage> send;

    BooleanSender(BiPredicate<NodeId, ClusterMessage> send) {
        this.send = send;
    }

    @Override
    public boolean send(NodeId nodeId, ClusterMessage message) {
        return send.test(nodeId, message);
    }

    @Override
    public SendResult trySend(NodeId nodeId, ClusterMessage message) {
        return send(nodeId, message) ? SendResult.ACCEPTED : SendResult.QUEUE_FULL;
    }

    @Override
    public CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline) {
        return send(nodeId, message) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("queue full"));
    }
}
