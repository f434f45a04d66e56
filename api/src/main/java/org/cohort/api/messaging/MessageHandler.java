package org.cohort.api.messaging;

import org.cohort.api.cluster.NodeId;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A message handler published as an OSGi service (whiteboard): registered with the service property
 * {@value #SUBJECT_PROPERTY} naming a subject, it is subscribed to that subject for as long as the
 * service lives. It runs on a thread of its own subscription, one message at a time, in arrival order.
 * It receives what any Cohort API sends on its subject: {@link ClusterCommunicationService}'s one-way
 * messages and requests, and plain {@link ClusterMessage}s from {@link MessageSender} (one way).
 *
 * <p><b>The sender.</b> Cohort calls {@link #handle(NodeId, byte[])}, which by default forgets the
 * sender and calls {@link #handle(byte[])}; a handler that wants to know who sent a message overrides
 * it. The sender is a default method, not a new interface, so that a handler keeps one registration
 * (the whiteboard looks for this interface only) and every handler written before it keeps compiling
 * and working unchanged, lambdas included: the one abstract method is still {@link #handle(byte[])}.
 */
@ConsumerType
@FunctionalInterface
public interface MessageHandler {

    /** The service property naming the subject the handler subscribes to. */
    String SUBJECT_PROPERTY = "cohort.subject";

    /**
     * Handles one message.
     *
     * @param payload the message's payload; it must not be changed
     * @return the reply when the message is a request ({@link ClusterCommunicationService#sendAndReceive});
     *     null for an empty reply; ignored for one-way messages
     */
    byte[] handle(byte[] payload);

    /**
     * Handles one message from a known node; what Cohort calls. By default it calls
     * {@link #handle(byte[])}: override it to learn the sender.
     *
     * @param sender the node that sent the message (this node for a message it sent itself)
     * @param payload the message's payload; it must not be changed
     * @return as {@link #handle(byte[])}
     */
    default byte[] handle(NodeId sender, byte[] payload) {
        return handle(payload);
    }
}
