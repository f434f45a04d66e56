package org.cohort.core.transport;

import java.util.concurrent.TimeUnit;
import org.cohort.core.config.ClusterSettings;

/**
 * The bounds of a session: bytes queued and bytes sent but not acknowledged per peer, the credit window
 * this node grants each peer per subject, and how long a session without a stream keeps what it holds.
 */
record SessionLimits(long maxQueuedBytes, long maxResendBytes, int windowMessages, long windowBytes,
        long lingerNanos) {

    /** The credit each sender gets per subject, in messages and in bytes. */
    static final int DEFAULT_WINDOW_MESSAGES = 4096;
    static final long DEFAULT_WINDOW_BYTES = 4L * 1024 * 1024;
    /** How long a session waits for a new stream before it fails back what it holds. */
    static final long DEFAULT_LINGER_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** The queue bound is {@code outbound.queue.max.bytes}; the resend buffer has the same bound. */
    static SessionLimits of(ClusterSettings settings) {
        return new SessionLimits(settings.outboundQueueBytes(), settings.outboundQueueBytes(),
                DEFAULT_WINDOW_MESSAGES, DEFAULT_WINDOW_BYTES, DEFAULT_LINGER_NANOS);
    }
}
