package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.transport.SessionBalance;
import org.cohort.sim.SimHost;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimLink;
import org.cohort.sim.net.SimNetwork;

/**
 * One random run, all of it drawn from its seed. A cluster of 3 to 8 nodes, each with a clock skew of its
 * own, on a network of random latency and jitter (a third of the pairs with a latency and jitter of their
 * own, up to 20 ms), half the runs with tight credit windows, queues and resend buffers, and payloads of
 * up to 4 KiB; for {@link #LOAD} every node delivers numbered messages to
 * every member of its list ({@code MessageSender.deliver}) and sends requests with random timeouts, while
 * one to four faults of the {@link Mix} strike. Then everything heals and the run settles, and the
 * cluster is stopped. Checked, throughout and at the end:
 * <ul>
 *   <li>issue 16's promise per lane ({@link DeliveryLedger});
 *   <li>every request completes within its timeout plus a bound ({@link RequestLedger});
 *   <li>detection and recovery within their bounds, one stream per pair ({@link LivenessWatch});
 *   <li>queues and resend buffers within their configured bounds ({@link QueueBounds});
 *   <li>at quiescence, every session of every node holds nothing: no queue, no unacknowledged message, no
 *       credit outstanding either way ({@link SessionBalance});
 *   <li>after a node is stopped nothing of it runs ({@link SimHost#ranAfterClose}).
 * </ul>
 */
public final class FaultScenario {

    /** How long the load runs; faults strike in its first two thirds. */
    static final Duration LOAD = Duration.ofSeconds(50);
    private static final Duration FORM_BOUND = Duration.ofSeconds(10);
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(20);
    private static final Duration QUIET_BOUND = Duration.ofSeconds(5);
    private static final Duration AFTER_CLOSE = Duration.ofSeconds(5);
    private static final Duration MAX_REQUEST_TIMEOUT = Duration.ofSeconds(3);

    /** The faults a run draws from. */
    public enum Fault {
        /** A TCP reset of every stream between two nodes. */
        RESET,
        /** A reset in the middle of a segment: each end reads part of a frame, then the stream resets. */
        MID_FRAME_RESET,
        /**
         * A node's host rejects dials (a firewall REJECT rule) for 0.5 to 10 s, right after its streams to
         * another node were reset: that node's redials are refused until the rule goes.
         */
        REFUSE,
        /** The link between two nodes squeezed to 2 to 64 KB/s both ways for 1 to 10 s. */
        SLOW_LINK,
        /** Two nodes cut off from each other both ways, 0.2 to 20 s (past the resend linger). */
        CUT,
        /** One direction between two nodes cut, 0.2 to 20 s. */
        ONE_WAY_CUT,
        /** A node killed (kill -9) and restarted 0.5 to 6 s later as a new incarnation. */
        KILL,
        /** A node paused (a GC, SIGSTOP) for 0.1 to 4 s. */
        PAUSE,
        /** A node's handlers take 1 to 20 ms per message for 1 to 10 s. */
        SLOW_SUBSCRIBER,
        /**
         * A node removed from every other node's list (edits one at a time) and stopped, then started
         * again and added back, edits one at a time.
         */
        REMOVE_AND_ADD
    }

    /**
     * How likely each fault is: relative weights ({@code -Dsim.faults=CUT=3,KILL=1,...}; a fault not named
     * keeps weight 1, weight 0 leaves it out).
     */
    public record Mix(Map<Fault, Integer> weights) {
        public static final Mix EVEN = parse("");

        /** Parses {@code NAME=weight,...} (names as in {@link Fault}, any case). */
        public static Mix parse(String spec) {
            Map<Fault, Integer> weights = new EnumMap<>(Fault.class);
            for (Fault fault : Fault.values()) {
                weights.put(fault, 1);
            }
            for (String part : spec.split(",")) {
                if (!part.isBlank()) {
                    String[] nameAndWeight = part.trim().split("=");
                    weights.put(Fault.valueOf(nameAndWeight[0].trim().toUpperCase(java.util.Locale.ROOT)),
                            Integer.parseInt(nameAndWeight[1].trim()));
                }
            }
            if (weights.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
                throw new IllegalArgumentException("every fault has weight 0: " + spec);
            }
            return new Mix(Map.copyOf(weights));
        }

        Fault draw(SplittableRandom random) {
            int total = weights.values().stream().mapToInt(Integer::intValue).sum();
            int pick = random.nextInt(total);
            for (Fault fault : Fault.values()) {
                pick -= weights.getOrDefault(fault, 0);
                if (pick < 0) {
                    return fault;
                }
            }
            throw new AssertionError();
        }
    }

    /** What a run did and what it broke. */
    public record Result(long seed, String digest, long events, int nodes, long virtualNanos, List<String> faults,
            long delivered, Map<String, Long> failedBack, String requests, List<String> violations,
            List<String> recentEvents) {
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    private final Simulation sim;
    private final SplittableRandom draws;
    private final SimCluster cluster;
    private final SimNetwork network;
    private final int size;
    /** How much longer than its numbers each lane's payload is (0 to 4 KiB, drawn per run). */
    private final int padding;
    private final List<String> violations = new ArrayList<>();
    private final List<String> faults = new ArrayList<>();
    private final Disturbances disturbances = new Disturbances();
    private final SlowSubscribers slow;
    private final DeliveryLedger lanes;
    private final RequestLedger requests;
    private final LivenessWatch liveness;
    /** Nodes whose graceful stop is under way. */
    private final Set<Integer> stopping = new HashSet<>();
    /** Nodes a kill or a removal already strikes (one such fault per node and run). */
    private final Set<Integer> lifecycleTargets = new HashSet<>();
    private long start;
    private long loadEnd;
    /** The faults left out of this run, by index (see {@link #run(long, Mix, Set)}). */
    private Set<Integer> skipped = Set.of();
    /** The fault being planned is left out: it is drawn, but it neither acts nor disturbs. */
    private boolean skipping;

    private FaultScenario(long seed) throws InvalidConfigurationException {
        sim = new Simulation(seed);
        draws = sim.split();
        size = 3 + draws.nextInt(6);
        network = new SimNetwork(sim, Duration.ofNanos(1_000 * (500 + draws.nextLong(2_500))),
                Duration.ofNanos(1_000 * draws.nextLong(2_000)));
        Map<Integer, Long> skews = new HashMap<>();
        for (int k = 1; k <= size; k++) {
            skews.put(k, draws.nextLong(-2_000_000_000L, 2_000_000_001L));
        }
        for (int a = 1; a <= size; a++) {
            for (int b = a + 1; b <= size; b++) {
                if (draws.nextInt(3) == 0) { // a third of the pairs are farther apart (another rack, a WAN link)
                    Duration latency = Duration.ofNanos(1_000 * (200 + draws.nextLong(20_000)));
                    Duration jitter = Duration.ofNanos(1_000 * draws.nextLong(5_000));
                    network.linkBothWays(SimCluster.address(a), SimCluster.address(b),
                            link -> link.latency(latency).jitter(jitter));
                }
            }
        }
        Map<String, Object> limits = new HashMap<>();
        if (draws.nextBoolean()) { // tight limits: credit, queues and resend buffers run out, sends are refused
            limits.put("delivery.window.messages", 16 + draws.nextInt(500));
            limits.put("message.max.bytes", 65_536);
            limits.put("outbound.queue.max.bytes", 65_536L + draws.nextLong(1_000_000));
            limits.put("delivery.resend.max.bytes", 65_536L + draws.nextLong(1_000_000));
        }
        padding = draws.nextInt(3) == 0 ? 0 : 16 + draws.nextInt(4_080);
        cluster = new SimCluster(sim, network, size, limits, skews);
        slow = new SlowSubscribers(sim);
        lanes = new DeliveryLedger(slow);
        requests = new RequestLedger(sim, disturbances, slow, violations);
        liveness = new LivenessWatch(cluster, disturbances, violations);
    }

    /** Runs the scenario of {@code seed} with every fault equally likely. */
    public static Result run(long seed) throws InvalidConfigurationException {
        return run(seed, Mix.EVEN);
    }

    /** Runs the scenario of {@code seed}, drawing faults from {@code mix}. */
    public static Result run(long seed, Mix mix) throws InvalidConfigurationException {
        return run(seed, mix, Set.of());
    }

    /**
     * Runs the scenario of {@code seed} without some of its faults (by their index in the run's list): to
     * shrink a failure. Everything is drawn as in the whole run, so the rest of it is the same; a skipped
     * fault only does nothing.
     */
    public static Result run(long seed, Mix mix, Set<Integer> skipped) throws InvalidConfigurationException {
        FaultScenario scenario = new FaultScenario(seed);
        scenario.skipped = Set.copyOf(skipped);
        return scenario.run(mix);
    }

    private Result run(Mix mix) {
        for (int k = 1; k <= size; k++) {
            subscribe(cluster.node(k), k);
        }
        cluster.startAll();
        if (!cluster.awaitAllActive(FORM_BOUND)) {
            violations.add("formation: the cluster did not form within " + FORM_BOUND.toSeconds() + " virtual s");
        }
        start = sim.nanoTime();
        loadEnd = start + LOAD.toNanos();
        scheduleLoad();
        int faultCount = 1 + draws.nextInt(4);
        for (int f = 0; f < faultCount; f++) {
            skipping = skipped.contains(f);
            scheduleFault(mix.draw(draws));
        }
        skipping = false;
        disturbances.add(0, loadEnd, loadEnd); // the final heal: recovery is owed from it
        liveness.recoveries(disturbances.ends());
        liveness.sampleStreams(loadEnd);
        new QueueBounds(cluster, violations).sample(loadEnd);

        sim.runUntil(() -> false, loadEnd);
        network.healAll();
        for (int k = 1; k <= size; k++) {
            cluster.host(k).resume();
        }
        boolean settled = sim.runUntil(() -> lanes.pending() == 0 && cluster.allActive(),
                sim.nanoTime() + SETTLE_BOUND.toNanos());
        if (!settled) {
            violations.add("settling: not settled " + SETTLE_BOUND.toSeconds() + " virtual s after the heal: "
                    + (cluster.allActive() ? "" : "the cluster is not whole (" + notActive() + "); ")
                    + lanes.pending() + " futures pending; " + unbalanced());
        }
        // Every check scheduled during the load (recovery, requests) runs while the nodes still do.
        long lastCheck = loadEnd + Math.max(liveness.recoveryBound().toNanos(),
                MAX_REQUEST_TIMEOUT.plus(RequestLedger.BOUND).toNanos());
        sim.runUntil(() -> false, Math.max(sim.nanoTime(), lastCheck));
        lanes.check(violations);
        if (settled) {
            checkQuiet();
        }
        liveness.stopping();
        long delivered = lanes.count(false);
        Map<String, Long> failedBack = lanes.failuresByCause();
        cluster.close();
        sim.runFor(AFTER_CLOSE);
        for (SimHost host : cluster.everyHost()) {
            for (String work : host.ranAfterClose()) {
                violations.add("closed: " + host + " ran " + work + " after its node was stopped");
            }
        }
        return new Result(sim.seed(), sim.digest(), sim.events(), size, sim.nanoTime(), faults, delivered, failedBack,
                requests.summary(), violations, sim.recentEvents());
    }

    private void subscribe(NodeAssembly node, int k) {
        lanes.subscribe(node, k);
        requests.subscribe(node, k);
    }

    /** Once traffic has stopped: every session holds nothing either way, and every pair has one stream. */
    private void checkQuiet() {
        boolean balanced = sim.runUntil(this::balanced, sim.nanoTime() + QUIET_BOUND.toNanos());
        if (!balanced) {
            unbalanced().forEach(what -> violations.add("quiescence: " + what));
        }
        liveness.countStreams(true);
    }

    /** Who does not see whom ACTIVE, among running nodes. */
    private List<String> notActive() {
        List<String> missing = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            if (cluster.isRunning(k)) {
                int observer = k;
                cluster.node(k).membership().states().stream().filter(state -> !state.isActive())
                        .forEach(state -> missing.add("node-" + observer + " sees " + state.id() + " " + state.state()
                                + (state.left() ? " (left)" : "")));
            }
        }
        return missing;
    }

    private boolean balanced() {
        for (int k = 1; k <= size; k++) {
            if (cluster.isRunning(k) && !cluster.node(k).connections().sessionBalances().values().stream()
                    .allMatch(SessionBalance::isSettled)) {
                return false;
            }
        }
        return true;
    }

    private List<String> unbalanced() {
        List<String> unbalanced = new ArrayList<>();
        for (int k = 1; k <= size; k++) {
            if (!cluster.isRunning(k)) {
                continue;
            }
            for (Map.Entry<NodeId, SessionBalance> session : cluster.node(k).connections().sessionBalances().entrySet()) {
                if (!session.getValue().isSettled()) {
                    unbalanced.add("node-" + k + "'s session with " + session.getKey() + " holds " + session.getValue()
                            + ", " + cluster.node(k).connections().peers().get(session.getKey()));
                }
            }
        }
        return unbalanced;
    }

    // ---- the load ----

    /**
     * Each sender's rounds and requests, each scheduling the next (one pending event per sender and kind
     * keeps the event queue short): round N falls at a drawn point of the N-th interval.
     */
    private void scheduleLoad() {
        int rate = 5 + draws.nextInt(16); // each sender's messages per second to each receiver
        long interval = 1_000_000_000L / rate;
        int rounds = (int) (LOAD.toSeconds() * rate);
        for (int s = 1; s <= size; s++) {
            int sender = s;
            SplittableRandom roundDraws = draws.split();
            nextRound(sender, 0, rounds, interval, roundDraws);
            long requestEvery = 100_000_000L + draws.nextLong(300_000_000L);
            SplittableRandom requestDraws = draws.split();
            nextRequest(sender, 0, (int) (LOAD.toNanos() / requestEvery), requestEvery, requestDraws);
        }
    }

    private void nextRound(int sender, int number, int rounds, long interval, SplittableRandom random) {
        if (number < rounds) {
            at(start + number * interval + random.nextLong(interval), "node-" + sender + " delivers " + number, () -> {
                deliverRound(sender, number);
                nextRound(sender, number + 1, rounds, interval, random);
            });
        }
    }

    private void nextRequest(int sender, int number, int requests, long every, SplittableRandom random) {
        if (number < requests) {
            at(start + number * every + random.nextLong(every), "node-" + sender + " requests " + number, () -> {
                request(sender, number, random);
                nextRequest(sender, number + 1, requests, every, random);
            });
        }
    }

    private void deliverRound(int sender, int number) {
        if (!cluster.isRunning(sender)) {
            return; // its process is gone: nothing sends
        }
        int incarnation = cluster.incarnation(sender);
        for (int receiver : cluster.members(sender)) {
            if (receiver != sender) {
                ClusterMessage message = new ClusterMessage(NodeId.of("node-" + sender), DeliveryLedger.SUBJECT,
                        DeliveryLedger.payload(sender, incarnation, number, padding));
                lanes.sent(sender, incarnation, receiver, number,
                        cluster.node(sender).sender().deliver(NodeId.of("node-" + receiver), message, null));
            }
        }
    }

    private void request(int sender, int number, SplittableRandom random) {
        if (!cluster.isRunning(sender) || cluster.host(sender).isPaused()) {
            return;
        }
        List<Integer> others = new ArrayList<>(cluster.members(sender));
        others.remove(Integer.valueOf(sender));
        if (others.isEmpty()) {
            return;
        }
        int receiver = others.get(random.nextInt(others.size()));
        requests.send(cluster.node(sender), sender, receiver, number,
                Duration.ofMillis(300 + random.nextInt((int) MAX_REQUEST_TIMEOUT.toMillis() - 300)));
    }

    // ---- the faults ----

    private void scheduleFault(Fault fault) {
        int a = 1 + draws.nextInt(size);
        int b = 1 + (a + draws.nextInt(size - 1)) % size; // another node
        long at = start + draws.nextLong(LOAD.toNanos() * 2 / 3);
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
                    liveness.silent(a, at, down);
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
                if (!skipping) {
                    liveness.silent(a, at, pause);
                }
                at(at, "fault: pause", () -> cluster.host(a).pause());
                at(at + pause, "fault: resume", () -> cluster.host(a).resume());
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
        long at = start + draws.nextLong(LOAD.toNanos() / 2);
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
            cluster.restart(k, node -> subscribe(node, k));
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
