package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Handed each message that arrives from another node, and the sender to answer through; the
 * connection manager calls it from its IO threads, so it must hand work off rather than block.
 */
@ConsumerType
public interface CommunicationsDelegate {

    /**
     * Gives the delegate the sender it can reply and forward through; called once the sender is ready,
     * and with null when it goes away.
     *
     * @param sender the sender, or null when the connection manager stops
     */
    void setSender(MessageSender sender);

    /**
     * Dispatches one incoming message.
     *
     * @param message the message; its sender field names the node it came from
     */
    void dispatch(ClusterMessage message);
}
