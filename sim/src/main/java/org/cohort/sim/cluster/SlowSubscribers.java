package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.cohort.sim.Simulation;

/**
 * The slow-subscriber fault: for a while, node K's handlers take a fixed virtual time per message, as a
 * handler that writes to a slow disk does. The subscriber's executor is then busy, its backlog grows, and
 * the credit its senders get back slows to its pace.
 */
final class SlowSubscribers {

    private record Window(long from, long to, long costNanos) {
    }

    private final Simulation simulation;
    private final Map<Integer, java.util.List<Window>> windows = new HashMap<>();

    SlowSubscribers(Simulation simulation) {
        this.simulation = simulation;
    }

    /** Node K's handlers take {@code cost} per message from {@code from} to {@code to}. */
    void slow(int node, long from, long to, Duration cost) {
        windows.computeIfAbsent(node, n -> new java.util.ArrayList<>()).add(new Window(from, to, cost.toNanos()));
    }

    /** Called by a handler of node K as it handles a message: it spends what the fault says. */
    void handling(int node) {
        long now = simulation.nanoTime();
        for (Window window : windows.getOrDefault(node, java.util.List.of())) {
            if (now >= window.from && now < window.to) {
                simulation.spend(Duration.ofNanos(window.costNanos));
                return;
            }
        }
    }
}
