package org.cohort.core.transport;

import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/** A change the cluster-nodes delegate must hear about, in the order the stream table decided it. */
sealed interface NodeEvent {

    record Detected(ControllerNode node, long incarnation) implements NodeEvent {
    }

    record Vanished(NodeId nodeId) implements NodeEvent {
    }

    /**
     * The peer said goodbye on its stream before the stream closed: it stopped on purpose (rather than
     * failing or being cut off), and nothing more will come from this incarnation. In place of
     * {@link Vanished} for that stream.
     */
    record Left(NodeId nodeId, long incarnation) implements NodeEvent {
    }
}
