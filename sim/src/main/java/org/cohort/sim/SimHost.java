package org.cohort.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated machine, for what happens to all of a node's work at once: a pause (a long GC, a
 * SIGSTOP) holds every task of its event loops and every timeout of its timers until it resumes, while
 * virtual time goes on, so that the node finds its clock jumped and its peers find it silent.
 */
public final class SimHost {

    private final Simulation simulation;
    private final String name;
    private final List<Runnable> parked = new ArrayList<>();
    private boolean paused;
    private boolean dead;
    private boolean closed;
    /** What ran on the host after its node was closed: each a bug (a thread a stop forgot). */
    private final List<String> afterClose = new ArrayList<>();

    public SimHost(Simulation simulation, String name) {
        this.simulation = simulation;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Simulation simulation() {
        return simulation;
    }

    public boolean isPaused() {
        return paused;
    }

    /** The process dies (kill -9): its work never runs again, and what reaches it is dropped. */
    public void kill() {
        dead = true;
        paused = true;
        parked.clear();
    }

    public boolean isDead() {
        return dead;
    }

    /** Holds the host's work from now on. */
    public void pause() {
        paused = true;
    }

    /** Lets the host's work run again: what was held runs now, in the order it was held. */
    public void resume() {
        if (dead) {
            return;
        }
        paused = false;
        List<Runnable> held = List.copyOf(parked);
        parked.clear();
        for (Runnable work : held) {
            simulation.schedule(0, name + " resumes held work", work);
        }
    }

    /**
     * The node on this host was stopped: from now on nothing of it may run. What still does is recorded
     * ({@link #ranAfterClose}), as a thread left running by a {@code @Deactivate} would be a leak.
     */
    public void closed() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The work of the host's loops and timers that ran after {@link #closed}, first ten at most. */
    public List<String> ranAfterClose() {
        return List.copyOf(afterClose);
    }

    /** One of the host's loops or timers runs work now. */
    void ran(String what) {
        if (closed && afterClose.size() < 10) {
            afterClose.add(what + " at " + simulation.nanoTime() + " ns");
        }
    }

    /** Holds {@code work} if the host is paused; false (and nothing held) if it is not. */
    boolean park(Runnable work) {
        if (!paused) {
            return false;
        }
        if (!dead) {
            parked.add(work);
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}
