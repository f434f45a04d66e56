package org.cohort.api.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.osgi.annotation.versioning.ProviderType;

/** Sends a cluster message to one node over the stream the connection manager keeps to it. */
@ProviderType
public interface MessageSender {

    /**
     * Queues the message on the stream to the given node without waiting for it to be written.
     *
     * @param nodeId the receiving node
     * @param message the message; its payload is handed over (see {@link ClusterMessage})
     * @return true if the message was queued; false if there is no stream to that node or its outbound
     *     queue is full (the refusal is counted)
     */
    boolean send(NodeId nodeId, ClusterMessage message);

    /**
     * Queues the message on the stream to the given node and says at once whether it was accepted, or
     * why not; {@link #send} is {@code trySend(...).accepted()}.
     *
     * @param nodeId the receiving node
     * @param message the message; its payload is handed over (see {@link ClusterMessage})
     * @return {@link SendResult#ACCEPTED}, or why the message was refused (the refusal is counted)
     */
    SendResult trySend(NodeId nodeId, ClusterMessage message);

    /**
     * Sends the message and tells when the receiving node accepted it for its subscriber, or why it did
     * not; see {@link ClusterCommunicationService#deliver(MessageSubject, byte[], NodeId, Duration)}.
     *
     * @param nodeId the receiving node
     * @param message the message; its payload is handed over (see {@link ClusterMessage})
     * @param deadline how long from now the message may still be delivered, or null for no deadline
     * @return a future that completes once the receiver accepted the message, or fails with a
     *     {@link MessagingException} that says why it was not
     */
    CompletableFuture<Void> deliver(NodeId nodeId, ClusterMessage message, Duration deadline);
}
