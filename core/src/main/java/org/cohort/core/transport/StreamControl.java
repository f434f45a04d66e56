package org.cohort.core.transport;

import org.cohort.api.cluster.NodeId;

/**
 * Operator actions on the live streams, for {@code cluster:disconnect}: core-internal, like
 * {@link ClusterStatus}, and published by the connection manager's component.
 */
public interface StreamControl {

    /**
     * Closes the live stream to a peer at once; the custodian dials it again.
     *
     * @param peer the other node
     * @param reset true to reset the TCP connection (SO_LINGER 0: the peer sees an RST), false to close it
     * @return whether there was a live stream to close
     */
    boolean dropStream(NodeId peer, boolean reset);
}
