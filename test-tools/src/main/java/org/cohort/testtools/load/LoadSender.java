package org.cohort.testtools.load;

import java.time.Duration;
import java.util.Optional;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.send.LaneSender;

/** What a load sends through: the lane sender on the load's lanes, or a fake in tests. */
public interface LoadSender {

    /**
     * Sends one message one way.
     *
     * @param to the receiving node
     * @param text the text
     * @param padding filler, or null
     * @return what happened
     */
    LaneSender.Outcome unicast(NodeId to, String text, byte[] padding);

    /**
     * Sends one message to every other ACTIVE member.
     *
     * @param text the text
     * @param padding filler, or null
     * @return what happened
     */
    LaneSender.Outcome broadcast(String text, byte[] padding);

    /**
     * Sends one request.
     *
     * @param to the receiving node
     * @param text the text
     * @param padding filler, or null
     * @param timeout the reply's timeout
     * @return the request, or empty when it could not be serialized
     */
    Optional<LaneSender.Request> request(NodeId to, String text, byte[] padding, Duration timeout);

    /**
     * Sends one message one way through {@code deliver}.
     *
     * @param to the receiving node
     * @param text the text
     * @param padding filler, or null
     * @return the delivery, or empty when it could not be serialized
     */
    Optional<LaneSender.Delivery> deliver(NodeId to, String text, byte[] padding);
}
