package org.cohort.core.transport;

import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.core.runtime.Scheduling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands node events to the cluster-nodes delegate, in the order they were queued, on a thread of their
 * own ({@code cohort-node-events}): the delegate never runs on an IO worker, and a slow one never holds
 * up a stream. Started and stopped with the connection manager.
 */
final class NodeEventDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(NodeEventDelivery.class);
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    private final ClusterNodesDelegate delegate;
    private volatile EventExecutor executor;

    NodeEventDelivery(ClusterNodesDelegate delegate) {
        this.delegate = delegate;
    }

    void start(Scheduling scheduling) {
        executor = scheduling.newSerialExecutor("node-events");
    }

    /** Runs the events already queued, then stops the thread. */
    void stop() {
        EventExecutor current = executor;
        executor = null;
        if (current != null && !current.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MS + 1_000)) {
            LOG.warn("Node-event thread did not finish within {} ms", SHUTDOWN_TIMEOUT_MS);
        }
    }

    /** Queues the events for the delegate; dropped once stopping. */
    void deliver(List<NodeEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        EventExecutor current = executor;
        if (current == null || current.isShuttingDown()) {
            return;
        }
        try {
            current.execute(() -> {
                for (NodeEvent event : events) {
                    try {
                        if (event instanceof NodeEvent.Detected detected) {
                            delegate.nodeDetected(detected.node(), detected.incarnation());
                        } else if (event instanceof NodeEvent.Vanished vanished) {
                            delegate.nodeVanished(vanished.nodeId());
                        } else if (event instanceof NodeEvent.Left left) {
                            delegate.nodeLeft(left.nodeId());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("Cluster-nodes delegate failed on {}: {}", event, e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Node events {} dropped: stopping", events);
        }
    }
}
