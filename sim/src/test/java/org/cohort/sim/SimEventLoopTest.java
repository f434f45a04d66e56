package org.cohort.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.concurrent.DefaultEventExecutorChooserFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Netty event loops as simulation events: order, virtual time, inEventLoop, shutdown without waiting. */
class SimEventLoopTest {

    private final Simulation sim = new Simulation(5);

    @Test
    void aLoopRunsItsTasksInSubmissionOrderAndIsInItsLoopOnlyWhileOneRuns() {
        SimEventLoop loop = new SimEventLoop(sim, "node-1/cohort-io-1", null);
        List<String> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            loop.execute(() -> ran.add(n + (loop.inEventLoop() ? " inside" : " outside")));
        }
        assertThat(loop.inEventLoop()).isFalse();

        sim.runUntilIdle(100);

        assertThat(ran).containsExactly("0 inside", "1 inside", "2 inside", "3 inside", "4 inside");
        assertThat(sim.nanoTime()).as("no virtual time passes for work due now").isZero();
    }

    @Test
    void scheduledTasksRunAtTheirVirtualDeadlinesAndCancelledOnesNever() {
        SimEventLoop loop = new SimEventLoop(sim, "node-1/cohort-custodian", null);
        List<Long> at = new ArrayList<>();
        loop.schedule(() -> at.add(sim.nanoTime()), 250, TimeUnit.MILLISECONDS);
        loop.schedule(() -> at.add(sim.nanoTime()), 100, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> cancelled = loop.schedule(() -> at.add(-1L), 50, TimeUnit.MILLISECONDS);
        cancelled.cancel(false);

        sim.runUntilIdle(100);

        assertThat(at).containsExactly(100_000_000L, 250_000_000L);
    }

    @Test
    void aFixedRateTaskTicksOnVirtualTimeUntilCancelled() {
        SimEventLoop loop = new SimEventLoop(sim, "node-1/cohort-io-1", null);
        List<Long> ticks = new ArrayList<>();
        ScheduledFuture<?> ticker = loop.scheduleAtFixedRate(() -> ticks.add(sim.nanoTime() / 1_000_000), 100, 100,
                TimeUnit.MILLISECONDS);

        sim.runFor(java.time.Duration.ofMillis(550));
        ticker.cancel(false);
        sim.runUntilIdle(100);

        assertThat(ticks).containsExactly(100L, 200L, 300L, 400L, 500L);
    }

    @Test
    void loopsOfAGroupInterleaveAsTheSeedSaysAndTheSameSeedReplays() {
        assertThat(interleaving(11)).isEqualTo(interleaving(11));
        List<List<String>> several = List.of(interleaving(1), interleaving(2), interleaving(3), interleaving(4));
        assertThat(several.stream().distinct().count()).as("different seeds, different interleavings").isGreaterThan(1);
        for (List<String> one : several) {
            assertThat(one.stream().filter(s -> s.startsWith("io-1")).toList()).as("each loop keeps its own order")
                    .containsExactly("io-1 0", "io-1 1", "io-1 2", "io-1 3");
        }
    }

    private static List<String> interleaving(long seed) {
        Simulation sim = new Simulation(seed);
        SimEventLoopGroup group = new SimEventLoopGroup(sim, "io", 2, DefaultEventExecutorChooserFactory.INSTANCE);
        List<String> ran = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            group.loops().get(0).execute(() -> ran.add("io-1 " + n));
            group.loops().get(1).execute(() -> ran.add("io-2 " + n));
        }
        sim.runUntilIdle(100);
        return ran;
    }

    @Test
    void aTaskOfOneLoopIsNotInAnotherLoop() {
        SimEventLoopGroup group = new SimEventLoopGroup(sim, "io", 2, DefaultEventExecutorChooserFactory.INSTANCE);
        SimEventLoop one = group.loops().get(0);
        SimEventLoop other = group.loops().get(1);
        List<Boolean> seen = new ArrayList<>();
        one.execute(() -> {
            seen.add(other.inEventLoop());
            other.execute(() -> seen.add(other.inEventLoop()));
        });

        sim.runUntilIdle(100);

        assertThat(seen).containsExactly(false, true);
    }

    @Test
    void aTaskThatSpendsTimeHoldsItsLoopButNoOther() {
        SimEventLoop slow = new SimEventLoop(sim, "node-1/cohort-handler-slow", null);
        SimEventLoop other = new SimEventLoop(sim, "node-1/cohort-handler-other", null);
        List<String> ran = new ArrayList<>();
        slow.execute(() -> sim.spend(java.time.Duration.ofMillis(10)));
        slow.execute(() -> ran.add("slow's next at " + sim.nanoTime()));
        other.execute(() -> ran.add("other at " + sim.nanoTime()));
        sim.runUntilIdle(100);

        assertThat(ran).containsExactlyInAnyOrder("other at 0", "slow's next at 10000000");
        assertThatThrownBy(() -> sim.spend(java.time.Duration.ofMillis(1))).as("only a loop's task spends time")
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shuttingDownClosesTheChannelsStillRegisteredAsNettysLoopsDo() {
        // Found by the explorer: a stopped node's half-dialed stream stayed open, its loop gone.
        SimEventLoop loop = new SimEventLoop(sim, "node-1/cohort-io-1", null);
        org.cohort.sim.net.SimStreamChannel open = new org.cohort.sim.net.SimStreamChannel(
                new org.cohort.sim.net.SimNetwork(sim, java.time.Duration.ofMillis(1), java.time.Duration.ZERO));
        loop.register(open);
        sim.runUntilIdle(100);
        assertThat(open.isRegistered()).isTrue();

        loop.shutdownGracefully();

        assertThat(open.isOpen()).as("closed by its loop's shutdown").isFalse();
        assertThat(open.closeFuture().isDone()).isTrue();
    }

    @Test
    void shuttingDownRunsWhatIsQueuedAtOnceCancelsTimersAndRefusesMore() {
        SimEventLoop loop = new SimEventLoop(sim, "node-1/cohort-replies", null);
        List<String> ran = new ArrayList<>();
        loop.execute(() -> ran.add("queued"));
        loop.schedule(() -> ran.add("scheduled"), 1, TimeUnit.SECONDS);

        assertThat(loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).isDone()).as("never waits").isTrue();

        assertThat(ran).containsExactly("queued");
        assertThat(loop.isTerminated()).isTrue();
        assertThatThrownBy(() -> loop.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        sim.runUntilIdle(100);
        assertThat(ran).containsExactly("queued");
    }
}
