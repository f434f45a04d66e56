package org.cohort.api.messaging;

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
}
