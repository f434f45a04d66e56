package org.cohort.api.cluster;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told by the connection manager when a node's stream completes its hello and when it is lost; the
 * membership view is built from these calls.
 *
 * <p>Calls for one node arrive in the order the events happened, never concurrently for the same node,
 * and must return quickly: they run on the thread that observed the event.
 */
@ConsumerType
public interface ClusterNodesDelegate {

    /**
     * A node has opened a stream and named itself in its hello.
     *
     * @param node the node, as configured locally
     * @param incarnation the incarnation its hello carried; it grows each time the node restarts, so a
     *     larger value than seen before means the node restarted in between
     */
    void nodeDetected(ControllerNode node, long incarnation);

    /**
     * The stream to a node is gone, or the node stopped answering.
     *
     * @param nodeId the node that vanished
     */
    void nodeVanished(NodeId nodeId);

    /**
     * The node said goodbye on its stream before closing it: it stopped on purpose, rather than failing
     * or being cut off. Called instead of {@link #nodeVanished(NodeId)} for that stream; by default it
     * is taken as the node vanishing.
     *
     * @param nodeId the node that left
     * @since 0.3
     */
    default void nodeLeft(NodeId nodeId) {
        nodeVanished(nodeId);
    }
}
