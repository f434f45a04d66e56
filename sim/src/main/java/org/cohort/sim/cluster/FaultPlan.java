package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.sim.SimHost;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimLink;
import org.cohort.sim.net.SimNetwork;

/**
 * The faults of one {@link FaultScenario} run: each drawn from the run's generator when planned, then
 * scheduled as events of the simulation, with what it disturbs ({@link Disturbances}) and what the
 * liveness checks owe ({@link LivenessWatch}). A fault left out (to shrink a failure) is drawn all the
 * same, so the rest of the run is unchanged; it only does nothing.
 */
final class FaultPlan {

    private final Simulation sim;
    private final SplittableRandom draws;
    private final SimCluster cluster;
    private final SimNetwork network;
    private final int size;
    private final long start;
    private final long loadEnd;
    private final Disturbances disturbances;
    private final SlowSubscribers slow;
    private final DeliveryLedger lanes;
    private final LivenessWatch liveness;
    private final List<String> violations;
    /** Subscribes a restarted node's handlers, as its bundles would, before it starts. */
    private final BiConsumer<NodeAssembly, Integer> subscribe;
    private final Set<Integer> skipped;
    private final List<String> faults = new ArrayList<>();
    /** Nodes whose graceful stop is under way. */
    private final Set<Integer> stopping = new HashSet<>();
    /** Nodes a kill or a removal already strikes (one such fault per node and run). */
    private final Set<Integer> lifecycleTargets = new HashSet<>();
    /** The fault being planned is left out: it is drawn, but it neither acts nor disturbs. */
    private boolean skipping;

    FaultPlan(SimCluster cluster, SplittableRandom draws, long start, long loadEnd, Disturbances disturbances,
            SlowSubscribers slow, DeliveryLedger lanes, LivenessWatch liveness, List<String> violations,
            BiConsumer<NodeAssembly, Integer> subscribe, Set<Integer> skipped) {
        this.sim = cluster.simulation();
        this.draws = draws;
        this.cluster = cluster;
        this.network = cluster.network();
        this.size = cluster.size();
        this.start = start;
        this.loadEnd = loadEnd;
        this.disturbances = disturbances;
        this.slow = slow;
        this.lanes = lanes;
        this.liveness = liveness;
        this.violations = violations;
        this.subscribe = subscribe;
        this.skipped = Set.copyOf(skipped);
    }

    /** The faults planned, described in order; a skipped one is marked. */
    List<String> faults() {
        return faults;
    }

    /** Plans fault number {@code index} of the run (drawn from the run's generator, in order). */
    void plan(int index, Fault fault) {
        skipping = skipped.contains(index);
        planOne(fault);
        skipping = false;
    }

    private void planOne(Fault fault) {
        int a = 1 + draws.nextInt(size);
        int b = 1 + (a + draws.nextInt(size - 1)) % size; // another node
        long at = start + draws.nextLong(FaultScenario.LOAD.toNanos() * 2 / 3);
        long lasting = Duration.ofMillis(200).toNanos() + draws.nextLong(Duration.ofSeconds(20).toNanos());
        if ((fault == Fault.KILL || fault == Fault.REMOVE_AND_ADD) && !lifecycleTargets.add(a)) {
            fault = Fault.PAUSE; // one kill or removal per node and run
        }
        String when = " at " + (at - start) / 1_000_000 + " ms";
        switch (fault) {
            case RESET -> {
                fault("reset node-" + a + "/node-" + b + when);
                disturb(at, at, a, b);
                at(at, "fault: reset", () -> network.reset(SimCluster.address(a), SimCluster.address(b)));
            }
            case MID_FRAME_RESET -> {
                fault("reset mid-frame node-" + a + "/node-" + b + when);
                disturb(at, at, a, b);
                at(at, "fault: reset mid-frame",
                        () -> network.resetMidSegment(SimCluster.address(a), SimCluster.address(b)));
            }
            case REFUSE -> {
                long until = Math.min(at + Duration.ofMillis(500).toNanos()
                        + draws.nextLong(Duration.ofMillis(9_500).toNanos()), loadEnd);
                fault("node-" + a + " refuses dials" + when + " for " + (until - at) / 1_000_000
                        + " ms, after a reset with node-" + b);
                disturb(at, until, a, b);
                at(at, "fault: refuse", () -> {
                    network.refuse(SimCluster.address(a));
                    network.reset(SimCluster.address(a), SimCluster.address(b));
                });
                at(until, "fault: accept", () -> network.accept(SimCluster.address(a)));
            }
            case SLOW_LINK -> {
                long until = Math.min(at + Duration.ofSeconds(1).toNanos()
                        + draws.nextLong(Duration.ofSeconds(9).toNanos()), loadEnd);
                long bandwidth = 2_000 + draws.nextLong(62_000);
                fault("link node-" + a + "/node-" + b + " at " + bandwidth + " B/s" + when + " for "
                        + (until - at) / 1_000_000 + " ms");
                disturb(at, until, a, b);
                at(at, "fault: slow link", () -> network.linkBothWays(SimCluster.address(a), SimCluster.address(b),
                        link -> link.bandwidth(bandwidth)));
                at(until, "fault: link restored", () -> network.linkBothWays(SimCluster.address(a),
                        SimCluster.address(b), link -> link.bandwidth(SimLink.UNLIMITED)));
            }
            case CUT, ONE_WAY_CUT -> {
                long heal = Math.min(at + lasting, loadEnd);
                boolean bothWays = fault == Fault.CUT;
                fault("cut node-" + a + (bothWays ? "/" : " -> ") + "node-" + b + when + " for "
                        + (heal - at) / 1_000_000 + " ms");
                disturb(at, heal, a, b);
                at(at, "fault: cut", () -> {
                    if (bothWays) {
                        network.cutBothWays(SimCluster.address(a), SimCluster.address(b));
                    } else {
                        network.cut(SimCluster.address(a), SimCluster.address(b));
                    }
                });
                at(heal, "fault: heal", network::healAll);
            }
            case KILL -> {
                long down = Duration.ofMillis(500).toNanos() + draws.nextLong(Duration.ofMillis(5_500).toNanos());
                fault("kill node-" + a + when + ", restart " + down / 1_000_000 + " ms later");
                disturb(at, at + down, a);
                if (!skipping) {
                    liveness.silent(a, at, down, () -> !cluster.isRunning(a));
                }
                at(at, "fault: kill", () -> {
                    lanes.killed(a, cluster.incarnation(a));
                    cluster.kill(a);
                });
                at(at + down, "fault: restart", () -> restart(a));
            }
            case PAUSE -> {
                long pause = Duration.ofMillis(100).toNanos() + draws.nextLong(Duration.ofMillis(3_900).toNanos());
                fault("pause node-" + a + when + " for " + pause / 1_000_000 + " ms");
                disturb(at, at + pause, a);
                SimHost[] paused = new SimHost[1];
                if (!skipping) {
                    liveness.silent(a, at, pause, () -> paused[0] != null && paused[0] == cluster.host(a)
                            && paused[0].isPaused() && !paused[0].isDead());
                }
                at(at, "fault: pause", () -> {
                    paused[0] = cluster.host(a);
                    paused[0].pause();
                });
                at(at + pause, "fault: resume", () -> paused[0].resume()); // the host it paused, if not gone
            }
            case SLOW_SUBSCRIBER -> {
                long window = Duration.ofSeconds(1).toNanos() + draws.nextLong(Duration.ofSeconds(9).toNanos());
                Duration cost = Duration.ofMillis(1 + draws.nextInt(20));
                fault("slow subscribers on node-" + a + when + " for " + window / 1_000_000 + " ms, "
                        + cost.toMillis() + " ms a message");
                if (!skipping) {
                    slow.slow(a, at, at + window, cost);
                }
            }
            case REMOVE_AND_ADD -> removeAndAdd(a);
            default -> throw new AssertionError(fault);
        }
    }

    /**
     * An operator removes node A: edits every other node's list, one at a time (its stop before or after
     * the edits, drawn), then some seconds later starts it again and adds it back, one edit at a time.
     * It all happens in the load's first half, so that it is over when the load ends.
     */
    private void removeAndAdd(int a) {
        long at = start + draws.nextLong(FaultScenario.LOAD.toNanos() / 2);
        long spacing = draws.nextLong(Duration.ofSeconds(1).toNanos());
        boolean stopFirst = draws.nextBoolean();
        long away = Duration.ofSeconds(1).toNanos() + draws.nextLong(Duration.ofSeconds(4).toNanos());
        List<Integer> others = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            if (k != a) {
                others.add(k);
            }
        }
        long edit = at;
        if (stopFirst) {
            at(edit, "fault: stop node-" + a, () -> stop(a));
        }
        for (int other : others) {
            edit += spacing;
            long when = edit;
            disturb(when, when, other);
            at(when, "fault: node-" + other + "'s list drops node-" + a, () -> edit(other, a, false));
        }
        if (!stopFirst) {
            edit += spacing;
            at(edit, "fault: stop node-" + a, () -> stop(a));
        }
        edit += away;
        at(edit, "fault: start node-" + a + " again", () -> restart(a));
        for (int other : others) {
            edit += spacing;
            long when = edit;
            disturb(when, when, other);
            at(when, "fault: node-" + other + "'s list adds node-" + a, () -> edit(other, a, true));
        }
        disturb(at, edit, a);
        fault("remove node-" + a + " at " + (at - start) / 1_000_000 + " ms (" + (stopFirst ? "stopped" : "edits")
                + " first, edits " + spacing / 1_000_000 + " ms apart), added back at " + (edit - start) / 1_000_000
                + " ms");
    }

    /** Names a fault of the run, in the order planned; a skipped one is marked. */
    private void fault(String description) {
        faults.add(skipping ? "(skipped) " + description : description);
    }

    private void stop(int k) {
        if (cluster.isRunning(k)) {
            stopping.add(k);
            cluster.stop(k); // runs the simulation until the node has left (a paused node leaves once resumed)
            stopping.remove(k);
        }
    }

    private void restart(int k) {
        if (stopping.contains(k)) {
            // Its stop is still under way (a graceful leave takes up to leave.timeout.ms): as an operator
            // would, start it again once it has stopped.
            at(sim.nanoTime() + Duration.ofMillis(100).toNanos(), "fault: start node-" + k + " again, later",
                    () -> restart(k));
            return;
        }
        if (cluster.isRunning(k)) {
            return;
        }
        try {
            cluster.restart(k, node -> subscribe.accept(node, k));
        } catch (InvalidConfigurationException e) {
            violations.add("restart: node-" + k + " could not start again: " + e.getMessage());
        }
    }

    private void edit(int k, int member, boolean add) {
        SortedSet<Integer> members = new TreeSet<>(cluster.members(k));
        if (add) {
            members.add(member);
        } else {
            members.remove(member);
        }
        try {
            cluster.editMembers(k, members);
        } catch (InvalidConfigurationException e) {
            violations.add("edit: node-" + k + " refused its new member list: " + e.getMessage());
        }
    }

    private void disturb(long from, long to, int... nodes) {
        if (skipping) {
            return;
        }
        for (int node : nodes) {
            disturbances.add(node, from, Math.min(to, loadEnd));
        }
    }

    private void at(long when, String label, Runnable action) {
        if (skipping) {
            return;
        }
        sim.schedule(Math.max(0, when - sim.nanoTime()), label, action);
    }
}
