package org.cohort.core.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.cohort.core.config.FailureDetectionSettings;
import org.junit.jupiter.api.Test;

/**
 * The phi-accrual detector against hand-computed values. Time is made up: nothing here reads a clock.
 *
 * <p>With the defaults (100 ms heartbeats, threshold 8, min stddev 100 ms, acceptable pause 800 ms) and a
 * history of regular 100 ms heartbeats, the mean is 100 ms and the spread 0, floored to 100 ms; the silence
 * t is judged against mean 100 + 800 = 900 ms and stddev 100 ms, so y = (t - 900) / 100 and
 * z = y * (1.5976 + 0.070566 * y^2), phi = -log10(1 / (1 + e^z)) = log10(1 + e^z).
 * phi = 8 where 1 + e^z = 10^8, z = ln(99 999 999) = 18.420680734; Newton on
 * 0.070566 y^3 + 1.5976 y - 18.420680734 = 0 gives y = 5.225987, t = 900 + 522.5987 = 1422.5987 ms:
 * <b>a peer with regular heartbeats is judged silent 1422.6 ms after its last heartbeat</b>.
 */
class PhiAccrualFailureDetectorTest {

    private static final FailureDetectionSettings DEFAULTS = FailureDetectionSettings.DEFAULTS;

    /** The exact crossing of phi = 8 with the defaults and a regular 100 ms history, in ms (see above). */
    private static final double DEFAULT_CROSSING_MS = 1422.5987;

    /** An arbitrary origin, so that nothing depends on time starting at 0. */
    private static final long T0 = 7_777_000_000_000L;

    private static long ms(double millis) {
        return Math.round(millis * 1_000_000.0);
    }

    /** Feeds {@code count} heartbeats {@code intervalMs} apart, the first at {@code from}; returns the last's time. */
    private static long regular(PhiAccrualFailureDetector detector, long from, int count, long intervalMs) {
        long now = from;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                now += ms(intervalMs);
            }
            detector.heartbeat(now);
        }
        return now;
    }

    /** Returns the first whole millisecond of silence after the last heartbeat at which the peer is unavailable. */
    private static long firstUnavailableMs(PhiAccrualFailureDetector detector) {
        long last = detector.lastHeartbeatNanos();
        for (long silence = 0; silence <= 600_000; silence++) {
            if (!detector.isAvailable(last + ms(silence))) {
                return silence;
            }
        }
        throw new AssertionError("still available after 10 minutes of silence");
    }

    private static FailureDetectionSettings settings(long intervalMs, double threshold, long minStdDevMs,
            long pauseMs) {
        return new FailureDetectionSettings(Duration.ofMillis(intervalMs), threshold, Duration.ofMillis(minStdDevMs),
                Duration.ofMillis(pauseMs));
    }

    // ---- regular heartbeats

    @Test
    void regularHeartbeatsKeepPhiNearZeroRightAfterAHeartbeat() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        // silence 0: y = -9, z = -9 * (1.5976 + 0.070566 * 81) = -65.82, phi = log10(1 + e^-65.82) ~ 1e-29
        assertThat(detector.phi(last)).isBetween(0.0, 1e-20);
        // one interval on, the next heartbeat due: y = -8, z = -48.91, phi ~ 2.5e-22
        assertThat(detector.phi(last + ms(100))).isBetween(0.0, 1e-15);
        assertThat(detector.isAvailable(last)).isTrue();
        assertThat(detector.isAvailable(last + ms(100))).isTrue();
        assertThat(detector.lastHeartbeatNanos()).isEqualTo(T0 + ms(199 * 100));
        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100));
        assertThat(detector.stdDeviationNanos()).isEqualTo(ms(100)); // spread 0, floored at 100 ms
    }

    @Test
    void phiGrowsMonotonicallyWithSilence() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        double previous = detector.phi(last);
        for (long silence = 1; silence <= 10_000; silence++) {
            double phi = detector.phi(last + ms(silence));
            assertThat(phi).as("phi after %d ms", silence).isGreaterThan(previous).isFinite();
            previous = phi;
        }
        assertThat(previous).isGreaterThan(1000.0);
    }

    @Test
    void withTheDefaultsASilenceOf1200MsIsToleratedAndOneOf2SecondsIsNot() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        // 1.2 s: y = 3, z = 3 * (1.5976 + 0.070566 * 9) = 6.698082, phi = log10(1 + e^6.698082) = 2.9095
        assertThat(detector.phi(last + ms(1200))).isCloseTo(2.9094753, within(1e-6));
        assertThat(detector.isAvailable(last + ms(1200))).isTrue();
        // 2 s: y = 11, z = 11 * (1.5976 + 0.070566 * 121) = 111.496946, phi = 111.496946 / ln 10 = 48.4225
        assertThat(detector.phi(last + ms(2000))).isCloseTo(48.4225084, within(1e-6));
        assertThat(detector.isAvailable(last + ms(2000))).isFalse();
    }

    @Test
    void withTheDefaultsPhiCrossesTheThresholdAt1422point6Ms() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        assertThat(detector.phi(last + ms(DEFAULT_CROSSING_MS))).isCloseTo(8.0, within(1e-4));
        assertThat(detector.isAvailable(last + ms(1422))).isTrue();
        assertThat(detector.isAvailable(last + ms(1423))).isFalse();
        assertThat((double) firstUnavailableMs(detector)).isCloseTo(DEFAULT_CROSSING_MS, within(3.0));
    }

    // ---- the first estimate

    @Test
    void beforeAnyHeartbeatNothingIsExpected() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);

        assertThat(detector.phi(T0)).isZero();
        assertThat(detector.isAvailable(T0 + ms(60_000))).isTrue();
        assertThat(detector.sampleCount()).isEqualTo(2); // the seeds of the first estimate
    }

    @Test
    void aPeerHeardOnceAndNeverAgainIsJudgedOnTheFirstEstimate() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        detector.heartbeat(T0); // the hello

        // seeds 75 and 125 ms: mean 100 ms, stddev 25 ms, floored at 100 ms: judged like a regular history
        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100));
        assertThat(detector.stdDeviationNanos()).isEqualTo(ms(100));
        assertThat(detector.isAvailable(T0 + ms(1200))).isTrue();
        assertThat(detector.isAvailable(T0 + ms(2000))).isFalse();
        assertThat((double) firstUnavailableMs(detector)).isCloseTo(DEFAULT_CROSSING_MS, within(3.0));
    }

    @Test
    void theFirstEstimateIsTheIntervalWithAQuarterOfItAsDeviation() {
        // min stddev 1 ms and no pause, so the estimate itself shows: mean 100 ms, stddev 25 ms
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(settings(100, 8.0, 1, 0));
        detector.heartbeat(T0);

        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100));
        assertThat(detector.stdDeviationNanos()).isEqualTo(ms(25));
        // 150 ms: y = (150 - 100) / 25 = 2, z = 2 * (1.5976 + 0.070566 * 4) = 3.759728,
        // e = exp(-3.759728) = 0.0232901, e / (1 + e) = 0.0227600, phi = -log10(0.0227600) = 1.6428279
        assertThat(detector.phi(T0 + ms(150))).isCloseTo(1.6428279, within(1e-6));
        // 125 ms: y = 1, z = 1.668166, e = 0.1885926, e / (1 + e) = 0.1586689, phi = 0.7995083
        assertThat(detector.phi(T0 + ms(125))).isCloseTo(0.7995083, within(1e-6));
    }

    // ---- hand-computed values

    @Test
    void phiAtTheShiftedMeanIsLog10Of2() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        // 900 ms = mean 100 + pause 800: y = 0, e = exp(0) = 1, 1 - CDF = 1 - 1 / (1 + 1) = 0.5, phi = log10 2
        assertThat(detector.phi(last + ms(900))).isCloseTo(0.3010300, within(1e-6));
        // 1000 ms: y = 1, z = 1.5976 + 0.070566 = 1.668166, e = exp(-1.668166) = 0.1885926,
        // e / (1 + e) = 0.1586689, phi = -log10(0.1586689) = 0.7995083
        assertThat(detector.phi(last + ms(1000))).isCloseTo(0.7995083, within(1e-6));
    }

    @Test
    void phiFromASmallWindowOfKnownIntervals() {
        // window 2, so the intervals 80 and 120 ms push the seeds out: mean 100 ms, population stddev 20 ms
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(settings(100, 8.0, 1, 0), 2);
        detector.heartbeat(T0);
        detector.heartbeat(T0 + ms(80));
        detector.heartbeat(T0 + ms(200));

        assertThat(detector.sampleCount()).isEqualTo(2);
        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100));
        assertThat(detector.stdDeviationNanos()).isEqualTo(ms(20));
        // 130 ms after the last: y = (130 - 100) / 20 = 1.5, z = 1.5 * (1.5976 + 0.070566 * 2.25) = 2.6345603,
        // e = exp(-2.6345603) = 0.0717505, e / (1 + e) = 0.0669470, phi = -log10(0.0669470) = 1.1742687
        assertThat(detector.phi(T0 + ms(330))).isCloseTo(1.1742687, within(1e-6));
        // below the mean Akka takes 1 - 1 / (1 + e): 70 ms, y = -1.5, e = exp(2.6345603) = 13.937,
        // 1 - 1 / 14.937 = 0.933053, phi = 0.030094
        assertThat(detector.phi(T0 + ms(270))).isCloseTo(0.030094, within(1e-6))
                .isCloseTo(-Math.log10(1.0 - 1.0 / (1.0 + Math.exp(2.63456025))), within(1e-9));
    }

    // ---- jitter and pauses

    @Test
    void aJitteryHistoryOf50To150MsToleratesLikeARegularOne() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long now = T0;
        detector.heartbeat(now);
        for (int i = 0; i < 200; i++) {
            now += ms(50 + 25 * (i % 5)); // 50, 75, 100, 125, 150 ms, over and over
            detector.heartbeat(now);
        }

        // mean 100 ms, population stddev sqrt((50^2 + 25^2 + 0 + 25^2 + 50^2) / 5) = 35.4 ms, under the
        // 100 ms floor: the floor decides
        assertThat(detector.meanIntervalNanos()).isCloseTo(ms(100), within(1.0));
        assertThat(detector.stdDeviationNanos()).isEqualTo(ms(100));
        assertThat(detector.isAvailable(now + ms(1200))).isTrue();
        assertThat(detector.isAvailable(now + ms(1400))).isTrue();
        // so it is judged like a regular history: 1.5 s (y = 6, z = 24.827856, phi = 10.78) is past the threshold
        assertThat(detector.phi(now + ms(1500))).isCloseTo(10.7826009, within(1e-6));
        assertThat(detector.isAvailable(now + ms(1500))).isFalse();
    }

    @Test
    void aWidelyJitteryHistoryToleratesALongerSilence() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long now = T0;
        detector.heartbeat(now);
        for (int i = 0; i < 100; i++) {
            now += ms(i % 2 == 0 ? 50 : 350);
            detector.heartbeat(now);
        }

        // intervals 50 and 350 ms: mean 200 ms, stddev 150 ms; crossing at 200 + 800 + 5.225987 * 150 = 1783.9 ms
        assertThat(detector.meanIntervalNanos()).isCloseTo(ms(200), within(1.0));
        assertThat(detector.stdDeviationNanos()).isCloseTo(ms(150), within(1.0));
        assertThat(detector.isAvailable(now + ms(1500))).isTrue();
        assertThat((double) firstUnavailableMs(detector)).isCloseTo(1783.898, within(3.0));
    }

    @Test
    void afterALongPauseTheNextHeartbeatMakesThePeerAvailableAgain() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);
        long resumed = last + ms(5000);

        assertThat(detector.isAvailable(resumed - 1)).isFalse();
        detector.heartbeat(resumed);

        assertThat(detector.isAvailable(resumed)).isTrue();
        // the 5 s interval joined the window: 99 x 100 ms + 5000 ms, mean 149 ms, stddev 487.54 ms; silence 0:
        // y = (0 - 949) / 487.54 = -1.9465, z = -3.6316, phi = log10(1 + e^-3.6316) = 0.0113
        assertThat(detector.meanIntervalNanos()).isCloseTo(ms(149), within(1.0));
        assertThat(detector.phi(resumed)).isCloseTo(0.0113, within(1e-3));
        long now = regular(detector, resumed, 10, 100);
        assertThat(detector.isAvailable(now + ms(100))).isTrue();
    }

    // ---- the window

    @Test
    void theWindowIsBounded() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        assertThat(detector.windowSize()).isEqualTo(PhiAccrualFailureDetector.DEFAULT_WINDOW_SIZE).isEqualTo(100);
        assertThat(detector.sampleCount()).isEqualTo(2);

        regular(detector, T0, 99, 100); // 98 intervals + 2 seeds
        assertThat(detector.sampleCount()).isEqualTo(100);
        long last = regular(detector, T0 + ms(9800), 10_000, 100);

        assertThat(detector.sampleCount()).isEqualTo(100);
        assertThat(detector.windowSize()).isEqualTo(100);
        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100)); // the seeds are long gone
        assertThat(detector.lastHeartbeatNanos()).isEqualTo(last);
    }

    @Test
    void aWindowSmallerThanTheSeedIsRefused() {
        assertThatThrownBy(() -> new PhiAccrualFailureDetector(DEFAULTS, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window size");
    }

    // ---- clocks and extremes

    @Test
    void aClockThatDoesNotAdvanceRecordsNoInterval() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        detector.heartbeat(T0);
        detector.heartbeat(T0 + ms(100));
        int samples = detector.sampleCount();
        double mean = detector.meanIntervalNanos();

        detector.heartbeat(T0 + ms(100)); // the same instant again
        detector.heartbeat(T0 + ms(50)); // the clock ran back

        assertThat(detector.sampleCount()).isEqualTo(samples);
        assertThat(detector.meanIntervalNanos()).isEqualTo(mean);
        assertThat(detector.lastHeartbeatNanos()).isEqualTo(T0 + ms(100));
        // asked about a time before the last heartbeat: no silence at all, not a negative one
        assertThat(detector.phi(T0)).isEqualTo(detector.phi(T0 + ms(100)));
        assertThat(detector.isAvailable(T0)).isTrue();
    }

    @Test
    void phiIsNeverNaNNorInfinite() {
        // no floor at all (FailureDetectionSettings allows 0) and perfectly regular heartbeats: spread 0
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(settings(100, 8.0, 0, 0));
        long last = regular(detector, T0, 200, 100);

        assertThat(detector.stdDeviationNanos()).isEqualTo(1.0); // floored at 1 ns, never divided by 0
        assertThat(detector.phi(last + ms(100))).isFinite().isGreaterThanOrEqualTo(0.0);
        assertThat(detector.phi(last + ms(101))).isFinite().isGreaterThan(8.0);
        assertThat(detector.phi(last + Long.MAX_VALUE)).isFinite()
                .isLessThanOrEqualTo(PhiAccrualFailureDetector.MAX_PHI);
        assertThat(detector.isAvailable(last + Long.MAX_VALUE)).isFalse();
        assertThat(detector.phi(last + ms(50))).isFinite().isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void theNanosecondClockMayWrapAround() {
        // System.nanoTime() may be anywhere, even about to overflow: only differences count
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, Long.MAX_VALUE - ms(5000), 200, 100);

        assertThat(last).isNegative();
        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100));
        assertThat(detector.isAvailable(last + ms(1200))).isTrue();
        assertThat(detector.isAvailable(last + ms(2000))).isFalse();
    }

    // ---- this node's own stalls

    @Test
    void aStallOfThisNodeAfterTheLastHeartbeatIsNotThePeersSilence() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);
        long stallFrom = last + ms(300);
        long stallTo = stallFrom + ms(3000);

        detector.localStall(stallFrom, stallTo);

        // 3.3 s after the last heartbeat, of which only 300 ms were this node's running time
        assertThat(detector.isAvailable(stallTo)).isTrue();
        assertThat(detector.phi(stallTo)).isEqualTo(phiAfter(ms(300)));
        // and the peer is judged silent after 1422.6 ms of running time, as without the stall
        assertThat(detector.isAvailable(last + ms(3000 + 1422))).isTrue();
        assertThat(detector.isAvailable(last + ms(3000 + 1423))).isFalse();
    }

    @Test
    void aHeartbeatHeardAtOrAfterTheStallsStartIsNotShifted() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        detector.localStall(last, last + ms(2000)); // heard at the very start of the stall
        detector.localStall(last - ms(500), last - ms(100)); // a stall that ended before it

        assertThat(detector.lastHeartbeatNanos()).isEqualTo(last);
    }

    @Test
    void theStallStaysOutOfTheNextInterval() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(detector, T0, 200, 100);

        detector.localStall(last + ms(50), last + ms(4050));
        detector.heartbeat(last + ms(4100)); // read the moment this node ran again: 100 ms of running time

        assertThat(detector.meanIntervalNanos()).isEqualTo(ms(100));
    }

    @Test
    void anEmptyOrBackwardStallAndOneBeforeAnyHeartbeatChangeNothing() {
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(DEFAULTS);
        detector.localStall(T0, T0 + ms(1000));
        assertThat(detector.phi(T0 + ms(5000))).isZero();

        long last = regular(detector, T0 + ms(2000), 10, 100);
        detector.localStall(last + ms(200), last + ms(200));
        detector.localStall(last + ms(300), last + ms(100));
        assertThat(detector.lastHeartbeatNanos()).isEqualTo(last);
    }

    /** phi after {@code silenceNanos} of silence for a fresh detector with a regular 100 ms history. */
    private static double phiAfter(long silenceNanos) {
        PhiAccrualFailureDetector reference = new PhiAccrualFailureDetector(DEFAULTS);
        long last = regular(reference, T0, 200, 100);
        return reference.phi(last + silenceNanos);
    }
}
