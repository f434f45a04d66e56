package org.cohort.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * The one scheduler of a simulated cluster: a virtual clock and a queue of events, run one at a time on
 * the caller's thread, in order of virtual time. Events due at the same instant run in an order drawn
 * from the seed, so that a seed explores one interleaving and the same seed always the same one.
 *
 * <p>Every event that runs is folded into the trace digest (its time and its label), so two runs of the
 * same seed can be compared bit for bit by their digests. Nothing here reads the wall clock or starts a
 * thread: a run takes as long as its events take to compute, however much virtual time they span.
 *
 * <p>Not thread-safe, by design: everything of a simulation runs on the thread that calls {@link #step}.
 */
public final class Simulation {

    /** What {@link #wallMillis} reads at virtual time zero: the simulated epoch (2026-01-01T00:00:00Z). */
    public static final long EPOCH_MILLIS = 1_767_225_600_000L;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final int RECENT = 64;

    private final long seed;
    private final SplittableRandom random;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private final String[] recent = new String[RECENT];
    private long nowNanos;
    private long enqueued;
    private long executed;
    private long digest = FNV_OFFSET;
    /** How many event-loop tasks are running now (nested only through a loop's own inline work). */
    private int loopTasksRunning;
    /** The loop whose task runs now, if one does (what {@link #spend} charges). */
    private SimEventLoop runningLoop;

    /** One thing to do at a virtual instant; ties are broken by a key drawn from the seed, then by order. */
    private record Event(long timeNanos, long tieBreak, long order, String label, Runnable task)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(timeNanos, other.timeNanos);
            if (byTime != 0) {
                return byTime;
            }
            int byTie = Long.compare(tieBreak, other.tieBreak);
            return byTie != 0 ? byTie : Long.compare(order, other.order);
        }
    }

    /** A simulation whose every choice is drawn from {@code seed}. */
    public Simulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /** Virtual nanoseconds since the simulation began. */
    public long nanoTime() {
        return nowNanos;
    }

    /** Virtual milliseconds since the epoch: {@link #EPOCH_MILLIS} plus the virtual time elapsed. */
    public long wallMillis() {
        return EPOCH_MILLIS + nowNanos / 1_000_000;
    }

    /**
     * An independent generator for one purpose (a node's randomness, the network's faults), split from
     * the simulation's own: what one part draws does not shift what another draws, as long as the parts
     * are made in the same order.
     */
    public SplittableRandom split() {
        return random.split();
    }

    /**
     * Runs {@code task} after {@code delayNanos} of virtual time (0: at this instant, after what is due
     * now in the order the seed picks).
     *
     * @param label what the trace records for it: say what happens, not which object it is
     */
    public void schedule(long delayNanos, String label, Runnable task) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("a delay of " + delayNanos + " ns");
        }
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(task, "task");
        queue.add(new Event(nowNanos + delayNanos, random.nextLong(), enqueued++, label, task));
    }

    /** Runs the next event, moving the clock to its time; false if there was none. */
    public boolean step() {
        Event next = queue.poll();
        if (next == null) {
            return false;
        }
        nowNanos = next.timeNanos;
        record(next);
        next.task.run();
        return true;
    }

    /**
     * Runs {@code task} every {@code periodNanos} of virtual time from now, the last time no later than
     * {@code untilNanos} (a sampler of the scenario's checks).
     */
    public void repeat(long periodNanos, long untilNanos, String label, Runnable task) {
        schedule(periodNanos, label, () -> {
            task.run();
            if (nowNanos + periodNanos <= untilNanos) {
                repeat(periodNanos, untilNanos, label, task);
            }
        });
    }

    /**
     * Runs every event due within {@code span} of virtual time from now, then moves the clock to its end.
     *
     * @return how many events ran
     */
    public long runFor(Duration span) {
        long before = executed;
        runUntil(() -> false, nowNanos + span.toNanos());
        return executed - before;
    }

    /**
     * Runs events until none is left or {@code maxEvents} have run (a bound against a run that never
     * settles, such as one with a periodic timer).
     *
     * @return how many events ran
     */
    public long runUntilIdle(long maxEvents) {
        long ran = 0;
        while (ran < maxEvents && step()) {
            ran++;
        }
        return ran;
    }

    /**
     * Runs events until {@code done} holds, or until the next event is later than {@code endNanos}, when
     * the clock moves to {@code endNanos}: what a thread that waits with a timeout sees. For waits made
     * outside any event loop's task (a node starting or stopping, a scenario's step); a loop that waits
     * would hold up the very work it waits for, as it would in production.
     *
     * @return whether {@code done} holds
     * @throws IllegalStateException if called from an event loop's task
     */
    public boolean runUntil(BooleanSupplier done, long endNanos) {
        if (loopTasksRunning > 0) {
            throw new IllegalStateException("a blocking wait on an event loop, at " + nowNanos + " ns");
        }
        while (!done.getAsBoolean()) {
            Event next = queue.peek();
            if (next == null || next.timeNanos > endNanos) {
                nowNanos = Math.max(nowNanos, endNanos);
                return done.getAsBoolean();
            }
            step();
        }
        return true;
    }

    /** A loop's task starts or ends (see {@link #runUntil}). */
    void loopTask(boolean starts) {
        loopTasksRunning += starts ? 1 : -1;
    }

    /** The loop whose task runs now, or null (see {@link #spend}). */
    void running(SimEventLoop loop) {
        runningLoop = loop;
    }

    SimEventLoop runningLoop() {
        return runningLoop;
    }

    /**
     * The task running now takes {@code span} of virtual time, as a slow handler's work does: its loop
     * runs nothing else until then. Nothing else waits: other loops go on, and the clock does not move
     * for the task itself (it cannot see the time it spends).
     *
     * @throws IllegalStateException if no event loop's task runs now
     */
    public void spend(Duration span) {
        if (runningLoop == null) {
            throw new IllegalStateException("only an event loop's task can spend time");
        }
        runningLoop.busyFor(span.toNanos());
    }

    /** Whether any event is waiting. */
    public boolean hasPending() {
        return !queue.isEmpty();
    }

    /** How many events have run. */
    public long events() {
        return executed;
    }

    /** The digest of every event run so far (its virtual time and label), as 16 hex digits. */
    public String digest() {
        return HexFormat.of().toHexDigits(digest);
    }

    /** The labels of the last events run, oldest first, with their virtual times: for a failure's report. */
    public List<String> recentEvents() {
        List<String> out = new ArrayList<>(RECENT);
        for (int i = 0; i < RECENT; i++) {
            String event = recent[(int) ((executed + i) % RECENT)];
            if (event != null) {
                out.add(event);
            }
        }
        return out;
    }

    private void record(Event event) {
        digest = fold(fold(digest, event.timeNanos), event.label.hashCode()); // String.hashCode is specified
        recent[(int) (executed % RECENT)] = event.timeNanos + " ns " + event.label;
        executed++;
    }

    private static long fold(long hash, long value) {
        for (int shift = 0; shift < 64; shift += 8) {
            hash = (hash ^ ((value >>> shift) & 0xff)) * FNV_PRIME;
        }
        return hash;
    }
}
