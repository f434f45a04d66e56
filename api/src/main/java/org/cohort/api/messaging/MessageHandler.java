package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A message handler published as an OSGi service (whiteboard): registered with the service property
 * {@value #SUBJECT_PROPERTY} naming a subject, it is subscribed to that subject for as long as the
 * service lives. It runs on a thread of its own subscription, one message at a time, in arrival order.
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
}
