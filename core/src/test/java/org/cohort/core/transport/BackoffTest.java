package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.cohort.core.runtime.Randomness;
import org.junit.jupiter.api.Test;

/** Time is passed in: every "now" here is made up. */
class BackoffTest {

    /** Seeded: a failing run replays. */
    private static final Randomness RANDOM = Randomness.seeded(15);

    private static final long INITIAL = 1_000;
    private static final long MAX = 64_000;

    @Test
    void dueAtFirst() {
        Backoff backoff = new Backoff(INITIAL, MAX, RANDOM);

        assertThat(backoff.due(0)).isTrue();
        assertThat(backoff.due(Long.MIN_VALUE)).isTrue();
        assertThat(backoff.due(Long.MAX_VALUE)).isTrue();
        assertThat(backoff.failures()).isZero();
    }

    @Test
    void notDueUntilTheNextAttempt() {
        Backoff backoff = new Backoff(INITIAL, MAX, RANDOM);
        long now = 5_000_000;

        backoff.failed(now);

        long next = backoff.nextAttemptNanos();
        assertThat(next).isGreaterThan(now);
        assertThat(backoff.due(now)).isFalse();
        assertThat(backoff.due(next - 1)).isFalse();
        assertThat(backoff.due(next)).isTrue();
        assertThat(backoff.due(next + 1)).isTrue();
        assertThat(backoff.failures()).isEqualTo(1);
    }

    @Test
    void theWaitDoublesUpToTheMaximumWithJitterInItsUpperHalf() {
        for (int round = 0; round < 500; round++) {
            Backoff backoff = new Backoff(INITIAL, MAX, RANDOM);
            long now = round * 1_000_000_000L;
            long previousWait = 0;
            long previousCeiling = 0;
            for (int failure = 1; failure <= 40; failure++) {
                backoff.failed(now);
                long wait = backoff.nextAttemptNanos() - now;
                long ceiling = Math.min(MAX, INITIAL << Math.min(failure - 1, 30));

                assertThat(wait).as("failure %d", failure).isBetween(ceiling / 2, ceiling);
                assertThat(wait).as("never above the maximum").isLessThanOrEqualTo(MAX);
                if (ceiling == 2 * previousCeiling) {
                    // Below the maximum the jittered waits still grow: the lowest is the last ceiling.
                    assertThat(wait).as("never shorter than the last").isGreaterThanOrEqualTo(previousWait);
                }
                previousWait = wait;
                previousCeiling = ceiling;
                now = backoff.nextAttemptNanos();
            }
            assertThat(backoff.failures()).isEqualTo(40);
        }
    }

    @Test
    void jitterSpreadsTheWaitsOverTheUpperHalf() {
        long lowest = Long.MAX_VALUE;
        long highest = Long.MIN_VALUE;
        for (int i = 0; i < 2_000; i++) {
            Backoff backoff = new Backoff(INITIAL, MAX, RANDOM);
            backoff.failed(0);
            long wait = backoff.nextAttemptNanos();
            assertThat(wait).isBetween(INITIAL / 2, INITIAL);
            lowest = Math.min(lowest, wait);
            highest = Math.max(highest, wait);
        }
        // Uniform over [500, 1000]: 2,000 draws all in one quarter of it would be (1/2)^2000.
        assertThat(lowest).isLessThan(INITIAL * 5 / 8);
        assertThat(highest).isGreaterThan(INITIAL * 7 / 8);
    }

    @Test
    void aMaximumBelowTheInitialWaitIsRaisedToIt() {
        Backoff backoff = new Backoff(INITIAL, 10, RANDOM);

        for (int failure = 1; failure <= 5; failure++) {
            backoff.failed(0);
            assertThat(backoff.nextAttemptNanos()).isBetween(INITIAL / 2, INITIAL);
        }
    }

    @Test
    void realisticSettingsStayBoundedAfterManyFailures() {
        // As the custodian sets it up: 50 ms first, a minute at most.
        long initial = TimeUnit.MILLISECONDS.toNanos(50);
        long max = TimeUnit.MINUTES.toNanos(1);
        Backoff backoff = new Backoff(initial, max, RANDOM);
        for (int failure = 1; failure <= 100; failure++) {
            backoff.failed(0);
        }

        assertThat(backoff.nextAttemptNanos()).isBetween(max / 2, max);
    }

    @Test
    void dueSurvivesTheClockWrappingAround() {
        Backoff backoff = new Backoff(INITIAL, MAX, RANDOM);
        long now = Long.MAX_VALUE - 10;

        backoff.failed(now);

        long next = backoff.nextAttemptNanos();
        assertThat(next).as("wrapped past Long.MAX_VALUE").isNegative();
        assertThat(backoff.due(now)).isFalse();
        assertThat(backoff.due(Long.MAX_VALUE)).isFalse();
        assertThat(backoff.due(next - 1)).isFalse();
        assertThat(backoff.due(next)).isTrue();
    }

    @Test
    void resetMakesItDueAgainAndStartsOver() {
        Backoff backoff = new Backoff(INITIAL, MAX, RANDOM);
        for (int failure = 1; failure <= 10; failure++) {
            backoff.failed(0);
        }
        assertThat(backoff.due(0)).isFalse();

        backoff.reset();

        assertThat(backoff.due(0)).isTrue();
        assertThat(backoff.failures()).isZero();
        backoff.failed(100);
        assertThat(backoff.nextAttemptNanos() - 100).as("back to the initial wait").isBetween(INITIAL / 2, INITIAL);
    }
}
