package org.cohort.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How streams tell a live peer from a silent one: heartbeats at a fixed interval, judged by a
 * phi-accrual failure detector.
 *
 * @param heartbeatInterval how often each stream sends a heartbeat
 * @param phiThreshold the suspicion level (phi) above which a silent peer's stream is closed
 * @param minStdDeviation the smallest spread of heartbeat intervals the detector assumes, so that very
 *     regular heartbeats (loopback) do not make it hair-trigger
 * @param acceptablePause a silence the detector always tolerates on top of the usual interval (GC
 *     pauses, a loaded host)
 */
public record FailureDetectionSettings(Duration heartbeatInterval, double phiThreshold, Duration minStdDeviation,
        Duration acceptablePause) {

    /**
     * The defaults of the {@link ClusterConfig} keys: 100 ms heartbeats; phi 8 with at least 100 ms spread and
     * 800 ms grace: a peer whose heartbeats were regular is judged silent 1.42 s after its last one.
     */
    public static final FailureDetectionSettings DEFAULTS = of(ClusterSettingsParser.defaults());

    public FailureDetectionSettings {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(minStdDeviation, "minStdDeviation");
        Objects.requireNonNull(acceptablePause, "acceptablePause");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive");
        }
        if (!(phiThreshold > 0)) {
            throw new IllegalArgumentException("phi threshold must be positive");
        }
    }

    /** The failure detection keys of a checked configuration. */
    static FailureDetectionSettings of(ClusterConfig config) {
        return new FailureDetectionSettings(Duration.ofMillis(config.heartbeat_interval_ms()),
                config.failure_phi_threshold(), Duration.ofMillis(config.failure_min_stddev_ms()),
                Duration.ofMillis(config.failure_acceptable_pause_ms()));
    }
}
