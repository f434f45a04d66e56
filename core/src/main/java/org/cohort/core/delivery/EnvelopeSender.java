package org.cohort.core.delivery;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;

/**
 * The transport's sender as core's messaging layer uses it: a message of this node is given by its
 * envelope's fields rather than as a {@code ClusterMessage}, so that sending it costs the transport's
 * queue entry alone, not a message object besides. It is otherwise
 * {@link org.cohort.api.messaging.MessageSender#trySend}: the same checks, bounds and counters.
 */
public interface EnvelopeSender {

    /**
     * Queues the message, or says why not.
     *
     * @param nodeId the receiving node (this node's own: handed to its intake)
     * @param subject the message's subject
     * @param payload its payload, handed over without a copy
     * @param kind its envelope's kind ({@code Envelope.PLAIN} or one of core messaging's)
     * @param requestId a request's or a reply's id; otherwise ignored
     * @param status a reply's status; otherwise ignored
     * @return {@link SendResult#ACCEPTED}, or why the message was refused (the refusal is counted)
     */
    SendResult send(NodeId nodeId, MessageSubject subject, byte[] payload, byte kind, long requestId, byte status);
}
