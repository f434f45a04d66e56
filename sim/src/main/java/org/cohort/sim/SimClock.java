package org.cohort.sim;

import org.cohort.core.runtime.NodeClock;

/**
 * Core's {@link NodeClock} seam for one simulated node: the simulation's virtual time, shifted by the
 * node's own skew. The skew is fixed per node, as between real hosts whose clocks disagree: monotonic
 * readings differ by an offset (which only differences cancel), wall-clock readings by the same offset.
 */
public final class SimClock implements NodeClock {

    private final Simulation simulation;
    private final long skewNanos;

    /** @param skewNanos how far ahead (positive) or behind this node's clocks read */
    public SimClock(Simulation simulation, long skewNanos) {
        this.simulation = simulation;
        this.skewNanos = skewNanos;
    }

    @Override
    public long nanoTime() {
        return simulation.nanoTime() + skewNanos;
    }

    @Override
    public long currentTimeMillis() {
        return simulation.wallMillis() + skewNanos / 1_000_000;
    }
}
