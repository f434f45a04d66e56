package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.transport.SessionBalance;
import org.cohort.sim.SimHost;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;

/**
 * One random run, all of it drawn from its seed. A cluster of 3 to 8 nodes, each with a clock skew of its
 * own, on a network of random latency and jitter (a third of the pairs with a latency and jitter of their
 * own, up to 20 ms), half the runs with tight credit windows, queues and resend buffers, and payloads of
 * up to 4 KiB; for {@link #LOAD} every node delivers numbered messages to
 * every member of its list ({@code MessageSender.deliver}) and sends requests with random timeouts, while
 * one to four faults of the {@link FaultMix} strike. Then everything heals and the run settles, and the
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
    private final Disturbances disturbances = new Disturbances();
    private final SlowSubscribers slow;
    private final DeliveryLedger lanes;
    private final RequestLedger requests;
    private final LivenessWatch liveness;
    private long start;
    private long loadEnd;
    /** The faults left out of this run, by index (see {@link #run(long, FaultMix, Set)}). */
    private Set<Integer> skipped = Set.of();

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
        lanes = new DeliveryLedger(sim, slow);
        requests = new RequestLedger(sim, disturbances, slow, violations);
        liveness = new LivenessWatch(cluster, disturbances, violations);
    }

    /** Runs the scenario of {@code seed} with every fault equally likely. */
    public static Result run(long seed) throws InvalidConfigurationException {
        return run(seed, FaultMix.EVEN);
    }

    /** Runs the scenario of {@code seed}, drawing faults from {@code mix}. */
    public static Result run(long seed, FaultMix mix) throws InvalidConfigurationException {
        return run(seed, mix, Set.of());
    }

    /**
     * Runs the scenario of {@code seed} without some of its faults (by their index in the run's list): to
     * shrink a failure. Everything is drawn as in the whole run, so the rest of it is the same; a skipped
     * fault only does nothing.
     */
    public static Result run(long seed, FaultMix mix, Set<Integer> skipped) throws InvalidConfigurationException {
        FaultScenario scenario = new FaultScenario(seed);
        scenario.skipped = Set.copyOf(skipped);
        return scenario.run(mix);
    }

    private Result run(FaultMix mix) {
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
        FaultPlan plan = new FaultPlan(cluster, draws, start, loadEnd, disturbances, slow, lanes, liveness,
                violations, this::subscribe, skipped);
        int faultCount = 1 + draws.nextInt(4);
        for (int f = 0; f < faultCount; f++) {
            plan.plan(f, mix.draw(draws));
        }
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
        long delivered = lanes.delivered();
        Map<String, Long> failedBack = lanes.failuresByCause();
        cluster.close();
        sim.runFor(AFTER_CLOSE);
        for (SimHost host : cluster.everyHost()) {
            for (String work : host.ranAfterClose()) {
                violations.add("closed: " + host + " ran " + work + " after its node was stopped");
            }
        }
        return new Result(sim.seed(), sim.digest(), sim.events(), size, sim.nanoTime(), plan.faults(), delivered,
                failedBack,
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

    private void at(long when, String label, Runnable action) {
        sim.schedule(Math.max(0, when - sim.nanoTime()), label, action);
    }
}
