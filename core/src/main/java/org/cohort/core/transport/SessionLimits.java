package org.cohort.core.transport;

import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.DeliverySettings;

/**
 * The bounds of a session: bytes queued and bytes sent but not acknowledged per peer, the credit window
 * this node grants each peer per subject, and how long a session without a stream keeps what it holds.
 */
record SessionLimits(long maxQueuedBytes, long maxResendBytes, int windowMessages, long windowBytes,
        long lingerNanos) {

    /** From {@code outbound.queue.max.bytes} and the {@code delivery.*} keys. */
    static SessionLimits of(ClusterSettings settings) {
        DeliverySettings delivery = settings.delivery();
        return new SessionLimits(settings.outboundQueueBytes(), delivery.resendMaxBytes(), delivery.windowMessages(),
                delivery.windowBytes(), delivery.linger().toNanos());
    }
}
