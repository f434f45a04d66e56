package org.cohort.core.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void letsTheFirstWarningThroughThenOnePerInterval() {
        long start = 5 * MINUTE;
        LogThrottle throttle = new LogThrottle(MINUTE, start);

        assertThat(throttle.tryAcquire(start)).isZero();
        assertThat(throttle.tryAcquire(start + SECOND)).isEqualTo(LogThrottle.SUPPRESSED);
        assertThat(throttle.tryAcquire(start + 59 * SECOND)).isEqualTo(LogThrottle.SUPPRESSED);
        assertThat(throttle.tryAcquire(start + MINUTE)).isEqualTo(2);
        assertThat(throttle.tryAcquire(start + MINUTE + SECOND)).isEqualTo(LogThrottle.SUPPRESSED);
        assertThat(throttle.tryAcquire(start + 3 * MINUTE)).isEqualTo(1);
    }

    @Test
    void worksAcrossTheNanoTimeOverflow() {
        long start = Long.MAX_VALUE - SECOND;
        LogThrottle throttle = new LogThrottle(MINUTE, start);

        assertThat(throttle.tryAcquire(start)).isZero();
        assertThat(throttle.tryAcquire(start + 30 * SECOND)).isEqualTo(LogThrottle.SUPPRESSED);
        assertThat(throttle.tryAcquire(start + MINUTE)).isEqualTo(1);
    }

    @Test
    void refusesANonPositiveInterval() {
        assertThatThrownBy(() -> new LogThrottle(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
