package org.cohort.core.transport;

import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/** A change the cluster-nodes delegate must hear about, in the order the stream table decided it. */
sealed interface NodeEvent {

    record Detected(ControllerNode node, long incarnation) implements NodeEvent {
    }

    record Vanished(NodeId nodeId) implements NodeEvent {
    }
}
