package org.cohort.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scheduler: virtual time, an order for ties drawn from the seed, and a digest that replays. */
class SimulationTest {

    @Test
    void eventsRunInVirtualTimeOrderAndMoveTheClock() {
        Simulation sim = new Simulation(1);
        List<String> ran = new ArrayList<>();
        sim.schedule(Duration.ofSeconds(3).toNanos(), "late", () -> ran.add("late@" + sim.nanoTime()));
        sim.schedule(Duration.ofMillis(5).toNanos(), "early", () -> {
            ran.add("early@" + sim.nanoTime());
            sim.schedule(Duration.ofMillis(1).toNanos(), "follow-up", () -> ran.add("follow-up@" + sim.nanoTime()));
        });

        assertThat(sim.runUntilIdle(100)).isEqualTo(3);

        assertThat(ran).containsExactly("early@5000000", "follow-up@6000000", "late@3000000000");
        assertThat(sim.nanoTime()).isEqualTo(3_000_000_000L);
        assertThat(sim.wallMillis()).isEqualTo(Simulation.EPOCH_MILLIS + 3_000);
        assertThat(sim.recentEvents()).containsExactly("5000000 ns early", "6000000 ns follow-up",
                "3000000000 ns late");
    }

    @Test
    void runForStopsAtTheEndOfItsSpanAndLeavesLaterEventsWaiting() {
        Simulation sim = new Simulation(1);
        List<Long> ran = new ArrayList<>();
        for (int ms = 100; ms <= 1000; ms += 100) {
            sim.schedule(Duration.ofMillis(ms).toNanos(), "tick", () -> ran.add(sim.nanoTime() / 1_000_000));
        }

        assertThat(sim.runFor(Duration.ofMillis(450))).isEqualTo(4);

        assertThat(ran).containsExactly(100L, 200L, 300L, 400L);
        assertThat(sim.nanoTime()).as("the clock is at the span's end").isEqualTo(450_000_000L);
        assertThat(sim.hasPending()).isTrue();
    }

    @Test
    void tiesAreOrderedByTheSeedTheSameWayEveryTime() {
        List<Integer> first = orderOfTies(42);
        assertThat(orderOfTies(42)).as("the same seed").isEqualTo(first);
        assertThat(first).containsExactlyInAnyOrderElementsOf(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        // Among a few seeds, ties come out in more than one order (the seed explores interleavings).
        assertThat(List.of(orderOfTies(1), orderOfTies(2), orderOfTies(3), orderOfTies(4)).stream().distinct().count())
                .isGreaterThan(1);
    }

    private static List<Integer> orderOfTies(long seed) {
        Simulation sim = new Simulation(seed);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            sim.schedule(1_000, "tie " + n, () -> order.add(n));
        }
        sim.runUntilIdle(100);
        return order;
    }

    @Test
    void theSameSeedGivesTheSameDigestAndAnotherSeedAnother() {
        assertThat(digestOfRandomWork(7)).isEqualTo(digestOfRandomWork(7));
        assertThat(digestOfRandomWork(7)).isNotEqualTo(digestOfRandomWork(8));
        assertThat(digestOfRandomWork(7)).hasSize(16);
    }

    /** Random work drawn from the simulation's own generator: events that schedule more events. */
    private static String digestOfRandomWork(long seed) {
        Simulation sim = new Simulation(seed);
        SplittableRandom random = sim.split();
        for (int i = 0; i < 20; i++) {
            spawn(sim, random, "root " + i, 3);
        }
        sim.runUntilIdle(10_000);
        return sim.digest();
    }

    private static void spawn(Simulation sim, SplittableRandom random, String label, int depth) {
        sim.schedule(random.nextLong(1_000_000), label, () -> {
            if (depth > 0) {
                for (int i = 0; i < 2; i++) {
                    spawn(sim, random, label + "." + i, depth - 1);
                }
            }
        });
    }

    @Test
    void aNegativeDelayIsRefused() {
        Simulation sim = new Simulation(1);
        assertThatThrownBy(() -> sim.schedule(-1, "past", () -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
