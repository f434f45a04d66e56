package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.transport.PeerStats;

/**
 * The bounds of what a node holds for each peer, sampled through the run: the outbound queue stays under
 * {@code outbound.queue.max.bytes} and the resend buffer under {@code delivery.resend.max.bytes}, each
 * plus at most one message (a send is refused when the queue is already full, so the last one admitted
 * may overshoot it by its own size).
 */
final class QueueBounds {

    private static final long SAMPLE_NANOS = Duration.ofMillis(200).toNanos();

    private final SimCluster cluster;
    private final List<String> violations;
    private final Set<String> reported = new HashSet<>();

    QueueBounds(SimCluster cluster, List<String> violations) {
        this.cluster = cluster;
        this.violations = violations;
    }

    /** Samples every {@link #SAMPLE_NANOS} until {@code until}. */
    void sample(long until) {
        cluster.simulation().repeat(SAMPLE_NANOS, until, "measure the queues", this::check);
    }

    private void check() {
        for (int k = 1; k <= cluster.size(); k++) {
            if (!cluster.isRunning(k)) {
                continue;
            }
            ClusterSettings settings = cluster.node(k).settings();
            long queueBound = settings.outboundQueueBytes() + settings.maxMessageBytes();
            long resendBound = settings.delivery().resendMaxBytes() + settings.maxMessageBytes();
            for (Map.Entry<NodeId, PeerStats> peer : cluster.node(k).connections().peers().entrySet()) {
                PeerStats stats = peer.getValue();
                if (stats.queueBytes() > queueBound && reported.add(k + " queue " + peer.getKey())) {
                    violations.add("bounds: node-" + k + " queues " + stats.queueBytes() + " bytes for "
                            + peer.getKey() + " (bound " + queueBound + ")");
                }
                if (stats.resendBytes() > resendBound && reported.add(k + " resend " + peer.getKey())) {
                    violations.add("bounds: node-" + k + " keeps " + stats.resendBytes() + " bytes to resend to "
                            + peer.getKey() + " (bound " + resendBound + ")");
                }
            }
        }
    }
}
