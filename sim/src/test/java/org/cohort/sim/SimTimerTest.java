package org.cohort.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Timers on virtual time fire as the hashed wheel would: never early, rounded up to its tick. */
class SimTimerTest {

    private final Simulation sim = new Simulation(3);
    private final SimTimer timer = new SimTimer(sim, "node-1/cohort-messaging-timer", 10);

    @Test
    void aTimeoutFiresAtItsDelayRoundedUpToTheTick() {
        List<Long> fired = new ArrayList<>();
        timer.newTimeout(t -> fired.add(sim.nanoTime()), 2_000, TimeUnit.MILLISECONDS);
        timer.newTimeout(t -> fired.add(sim.nanoTime()), 15, TimeUnit.MILLISECONDS);

        sim.runUntilIdle(100);

        assertThat(fired).containsExactly(20_000_000L, 2_000_000_000L);
    }

    @Test
    void aCancelledTimeoutNeverFiresAndStopReturnsWhatDidNot() {
        List<String> fired = new ArrayList<>();
        Timeout cancelled = timer.newTimeout(t -> fired.add("cancelled"), 100, TimeUnit.MILLISECONDS);
        Timeout kept = timer.newTimeout(t -> fired.add("kept"), 200, TimeUnit.MILLISECONDS);
        Timeout unfired = timer.newTimeout(t -> fired.add("unfired"), 5, TimeUnit.SECONDS);
        assertThat(cancelled.cancel()).isTrue();

        sim.runFor(java.time.Duration.ofSeconds(1));

        assertThat(fired).containsExactly("kept");
        assertThat(kept.isExpired()).isTrue();
        assertThat(timer.stop()).containsExactly(unfired);
        sim.runUntilIdle(100);
        assertThat(fired).containsExactly("kept");
        assertThatThrownBy(() -> timer.newTimeout(t -> { }, 1, TimeUnit.SECONDS))
                .as("as a stopped HashedWheelTimer refuses").isInstanceOf(IllegalStateException.class);
    }
}
