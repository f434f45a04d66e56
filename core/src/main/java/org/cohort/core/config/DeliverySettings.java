package org.cohort.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.cohort.api.messaging.MessageSubject;

/**
 * How messages are delivered: the credit each member gets per subject from this node, the bound of what
 * is kept to send again, how long it is kept without a stream, and the subjects sent at most once.
 *
 * @param windowMessages messages of one subject a member may have sent here and not seen consumed
 * @param windowBytes payload bytes of one subject a member may have sent here and not seen consumed
 * @param resendMaxBytes bytes sent to one member and not yet acknowledged, at most
 * @param linger how long a member without a stream keeps what was sent or waits for it
 * @param atMostOnceSubjects subjects sent without acknowledgement, resend or credit
 */
public record DeliverySettings(int windowMessages, long windowBytes, long resendMaxBytes, Duration linger,
        Set<MessageSubject> atMostOnceSubjects) {

    /** The defaults of {@link ClusterConfig}. */
    public static final DeliverySettings DEFAULTS = new DeliverySettings(
            ClusterConfig.DEFAULT_DELIVERY_WINDOW_MESSAGES, ClusterConfig.DEFAULT_DELIVERY_WINDOW_BYTES,
            ClusterConfig.DEFAULT_DELIVERY_RESEND_MAX_BYTES, Duration.ofMillis(ClusterConfig.DEFAULT_DELIVERY_LINGER_MS),
            Set.of());

    public DeliverySettings {
        Objects.requireNonNull(linger, "linger");
        atMostOnceSubjects = Set.copyOf(atMostOnceSubjects);
        if (windowMessages < 1 || windowBytes < 1 || resendMaxBytes < 1 || linger.isNegative() || linger.isZero()) {
            throw new IllegalArgumentException("delivery bounds must be positive");
        }
    }

    /** The same settings with other credit windows (tests and tools). */
    public DeliverySettings withWindow(int messages, long bytes) {
        return new DeliverySettings(messages, bytes, resendMaxBytes, linger, atMostOnceSubjects);
    }

    /** The same settings with another linger (tests and tools). */
    public DeliverySettings withLinger(Duration newLinger) {
        return new DeliverySettings(windowMessages, windowBytes, resendMaxBytes, newLinger, atMostOnceSubjects);
    }

    /** The same settings with other at-most-once subjects. */
    public DeliverySettings withAtMostOnce(Set<MessageSubject> subjects) {
        return new DeliverySettings(windowMessages, windowBytes, resendMaxBytes, linger, subjects);
    }
}
