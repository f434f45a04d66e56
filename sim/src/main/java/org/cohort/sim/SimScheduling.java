package org.cohort.sim;

import io.netty.util.Timer;
import io.netty.util.concurrent.EventExecutor;
import org.cohort.core.runtime.Scheduling;

/**
 * Core's {@link Scheduling} seam for one simulated node: every executor is a {@link SimEventLoop} and
 * every timer a {@link SimTimer}, all events of the node's {@link Simulation}, named as production names
 * their threads ({@code <node>/cohort-<name>}) so that the trace says whose work ran.
 */
public final class SimScheduling implements Scheduling {

    private final Simulation simulation;
    private final String node;

    /** @param node the node's name, prefixed to every executor's and timer's */
    public SimScheduling(Simulation simulation, String node) {
        this.simulation = simulation;
        this.node = node;
    }

    @Override
    public EventExecutor newSerialExecutor(String name) {
        return new SimEventLoop(simulation, node + "/cohort-" + name, null);
    }

    @Override
    public Timer newTimer(String name, long tickMillis) {
        return new SimTimer(simulation, node + "/cohort-" + name, tickMillis);
    }
}
