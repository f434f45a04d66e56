package org.cohort.core.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cohort.core.config.FailureDetectionSettings;
import org.junit.jupiter.api.Test;

/**
 * The verdict without a channel: every time is made up. Default settings: 100 ms heartbeats, and a peer
 * with regular heartbeats is judged silent 1422.6 ms after its last one (see
 * {@link PhiAccrualFailureDetectorTest}).
 */
class SilenceVerdictTest {

    private static final long INTERVAL = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long START = 5_000_000_000L;

    /** Two seconds of heartbeats every 100 ms; returns the time of the last one. */
    private static long regularHeartbeats(SilenceVerdict verdict) {
        long now = START;
        for (int i = 0; i < 20; i++) {
            now += INTERVAL;
            verdict.heard(now, true);
        }
        return now;
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Test
    void aPeerFallsSilentOnlyOnceThePhiThresholdIsCrossed() {
        SilenceVerdict verdict = new SilenceVerdict(FailureDetectionSettings.DEFAULTS, START);
        long last = regularHeartbeats(verdict);

        assertThat(verdict.isSilent(last + ms(1400))).isFalse();
        assertThat(verdict.isSilent(last + ms(1450))).isTrue();
        assertThat(verdict.silenceNanos(last + ms(1450))).isEqualTo(ms(1450));
    }

    @Test
    void anyFrameWithinTheAcceptablePauseKeepsAPeerAlive() {
        SilenceVerdict verdict = new SilenceVerdict(FailureDetectionSettings.DEFAULTS, START);
        long last = regularHeartbeats(verdict);

        verdict.heard(last + ms(1000), false); // a message, not a heartbeat

        assertThat(verdict.isSilent(last + ms(1500))).isFalse();
        assertThat(verdict.isSilent(last + ms(1000) + ms(801))).isTrue();
    }

    @Test
    void thisNodesStallBeyondHalfAnIntervalIsNotThePeersSilence() {
        SilenceVerdict verdict = new SilenceVerdict(FailureDetectionSettings.DEFAULTS, START);
        long last = regularHeartbeats(verdict);
        long due = last + INTERVAL;
        long ran = due + ms(3000); // this node's event loop stood still for 3 s

        long excused = verdict.tickRan(due, ran);

        assertThat(excused).isEqualTo(ms(3000) - INTERVAL / 2);
        assertThat(verdict.excusedNanos()).isEqualTo(excused);
        assertThat(verdict.isSilent(ran)).isFalse();
    }

    @Test
    void lateTicksWithinHalfAnIntervalAreNotExcused() {
        SilenceVerdict verdict = new SilenceVerdict(FailureDetectionSettings.DEFAULTS, START);
        long last = regularHeartbeats(verdict);

        assertThat(verdict.tickRan(last + INTERVAL, last + INTERVAL + INTERVAL / 2)).isZero();
        assertThat(verdict.excusedNanos()).isZero();
    }

    @Test
    void aRestartForgetsTheHistory() {
        SilenceVerdict verdict = new SilenceVerdict(FailureDetectionSettings.DEFAULTS, START);
        long last = regularHeartbeats(verdict);
        FailureDetectionSettings slower = new FailureDetectionSettings(Duration.ofSeconds(1), 8.0,
                Duration.ofMillis(100), Duration.ofMillis(800));

        verdict.restart(slower, last + ms(1400));

        assertThat(verdict.settings()).isEqualTo(slower);
        assertThat(verdict.isSilent(last + ms(1450))).isFalse();
    }
}
