package org.cohort.sim.cluster;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.PeerRestartedException;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;

/**
 * One random run, all of it drawn from its seed: a cluster of 3 to 5 nodes on a network of random
 * latency and jitter; every node delivers numbered messages to every other one through
 * {@code MessageSender.deliver} while one to three faults strike (a reset, a cut both ways or one way, a
 * node paused, a node killed and restarted as a new incarnation; cuts may outlast the resend linger), then
 * everything heals and the run settles. Then issue 16's promise is checked lane by
 * lane (sender, receiver): every number arrived at most once and in order, every number that arrived was
 * not failed back to its sender, every number that did not arrive was, and no future is left pending;
 * and the cluster is whole again (every node sees every member ACTIVE).
 */
public final class LosslessScenario {

    private static final MessageSubject SUBJECT = MessageSubject.of("sim.lane");
    /** Each sender's one-way messages per second to each receiver. */
    private static final int RATE = 50;
    private static final Duration LOAD = Duration.ofSeconds(20);
    private static final Duration FORM_BOUND = Duration.ofSeconds(10);
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(40);

    /** What a run did and what it broke. */
    public record Result(long seed, String digest, long events, List<String> faults, long delivered,
            long failedBack, List<String> violations, List<String> recentEvents) {
        public boolean passed() {
            return violations.isEmpty();
        }
    }

    private LosslessScenario() {
    }

    /** Runs the scenario of {@code seed}. */
    public static Result run(long seed) throws InvalidConfigurationException {
        Simulation sim = new Simulation(seed);
        SplittableRandom draws = sim.split();
        int size = 3 + draws.nextInt(3);
        SimNetwork network = new SimNetwork(sim, Duration.ofNanos(1_000 * (500 + draws.nextLong(2_500))),
                Duration.ofNanos(1_000 * draws.nextLong(2_000)));
        SimCluster cluster = new SimCluster(sim, network, size, Map.of(), Map.of());
        List<String> violations = new ArrayList<>();
        List<String> faults = new ArrayList<>();
        Lanes lanes = new Lanes();
        for (int r = 1; r <= size; r++) {
            lanes.subscribe(cluster.node(r), r);
        }
        cluster.startAll();
        if (!cluster.awaitAllActive(FORM_BOUND)) {
            violations.add("the cluster did not form within " + FORM_BOUND.toSeconds() + " virtual s");
        }

        long start = sim.nanoTime();
        long intervalNanos = 1_000_000_000L / RATE;
        int perLane = (int) (LOAD.toSeconds() * RATE);
        for (int s = 1; s <= size; s++) {
            int sender = s;
            for (int n = 0; n < perLane; n++) {
                int number = n;
                sim.schedule(n * intervalNanos + draws.nextLong(intervalNanos), "node-" + s + " delivers " + n, () -> {
                    if (cluster.host(sender).isDead()) {
                        return; // its process is gone: nothing sends
                    }
                    int incarnation = cluster.incarnation(sender);
                    for (int r = 1; r <= size; r++) {
                        if (r != sender) {
                            ClusterMessage message = new ClusterMessage(NodeId.of("node-" + sender), SUBJECT,
                                    ByteBuffer.allocate(12).putInt(sender).putInt(incarnation).putInt(number).array());
                            lanes.sent(sender, incarnation, r, number, cluster.node(sender).sender()
                                    .deliver(NodeId.of("node-" + r), message, null));
                        }
                    }
                });
            }
        }
        int faultCount = 1 + draws.nextInt(3);
        for (int f = 0; f < faultCount; f++) {
            scheduleFault(cluster, draws, start, faults, lanes);
        }
        sim.runFor(LOAD.plus(Duration.ofSeconds(1)));
        network.healAll();
        for (int k = 1; k <= size; k++) {
            cluster.host(k).resume();
        }
        boolean settled = sim.runUntil(() -> lanes.pending() == 0 && cluster.allActive(),
                sim.nanoTime() + SETTLE_BOUND.toNanos());
        if (!settled) {
            violations.add("not settled " + SETTLE_BOUND.toSeconds() + " virtual s after the heal: "
                    + (cluster.allActive() ? "" : "the cluster is not whole; ") + lanes.pending() + " futures pending");
        }
        lanes.check(violations);
        Result result = new Result(seed, sim.digest(), sim.events(), faults, lanes.count(false), lanes.count(true),
                violations, sim.recentEvents());
        cluster.close();
        return result;
    }

    private static void scheduleFault(SimCluster cluster, SplittableRandom draws, long start, List<String> faults,
            Lanes lanes) {
        Simulation sim = cluster.simulation();
        SimNetwork network = cluster.network();
        int size = cluster.size();
        int a = 1 + draws.nextInt(size);
        int b = 1 + (a + draws.nextInt(size - 1)) % size; // another node
        // Anywhere in the load's first two thirds; cuts up to 20 s, past the 10 s resend linger.
        long at = start + draws.nextLong(LOAD.toNanos() * 2 / 3);
        long lasting = Duration.ofMillis(200).toNanos() + draws.nextLong(Duration.ofSeconds(20).toNanos());
        String hostA = SimCluster.address(a);
        String hostB = SimCluster.address(b);
        String window = " at " + (at - start) / 1_000_000 + " ms for " + lasting / 1_000_000 + " ms";
        switch (draws.nextInt(5)) {
            case 0 -> {
                faults.add("reset node-" + a + "/node-" + b + " at " + (at - start) / 1_000_000 + " ms");
                sim.schedule(at - sim.nanoTime(), "fault: reset", () -> network.reset(hostA, hostB));
            }
            case 1 -> {
                faults.add("cut node-" + a + "/node-" + b + window);
                sim.schedule(at - sim.nanoTime(), "fault: cut", () -> network.cutBothWays(hostA, hostB));
                sim.schedule(at + lasting - sim.nanoTime(), "fault: heal", network::healAll);
            }
            case 2 -> {
                faults.add("cut node-" + a + " -> node-" + b + window);
                sim.schedule(at - sim.nanoTime(), "fault: one-way cut", () -> network.cut(hostA, hostB));
                sim.schedule(at + lasting - sim.nanoTime(), "fault: heal", network::healAll);
            }
            case 3 -> {
                long down = Duration.ofMillis(500).toNanos() + draws.nextLong(Duration.ofSeconds(5).toNanos());
                faults.add("kill node-" + a + " at " + (at - start) / 1_000_000 + " ms, restart " + down / 1_000_000
                        + " ms later");
                sim.schedule(at - sim.nanoTime(), "fault: kill", () -> {
                    if (!cluster.host(a).isDead()) {
                        lanes.killed(a, cluster.incarnation(a));
                        cluster.kill(a);
                        sim.schedule(down, "fault: restart", () -> cluster.restart(a, node -> lanes.subscribe(node, a)));
                    }
                });
            }
            default -> {
                long pause = Duration.ofMillis(100).toNanos() + draws.nextLong(Duration.ofSeconds(4).toNanos());
                faults.add("pause node-" + a + " at " + (at - start) / 1_000_000 + " ms for " + pause / 1_000_000 + " ms");
                sim.schedule(at - sim.nanoTime(), "fault: pause", () -> cluster.host(a).pause());
                sim.schedule(at + pause - sim.nanoTime(), "fault: resume", () -> cluster.host(a).resume());
            }
        }
    }

    /**
     * What each lane (sender incarnation, receiver) sent and what arrived, and the check of issue 16's
     * promise over it.
     */
    private static final class Lanes {
        /** "s#inc>r" to each number's future, in send order. */
        private final Map<String, Map<Integer, CompletableFuture<Void>>> sent = new LinkedHashMap<>();
        /** "s#inc>r" to the numbers that arrived, in arrival order. */
        private final Map<String, List<Integer>> arrived = new HashMap<>();
        private final Set<String> killedSenders = new HashSet<>();
        private final Set<Integer> killedReceivers = new HashSet<>();

        void subscribe(NodeAssembly node, int receiver) {
            node.addHandler(SUBJECT, payload -> {
                ByteBuffer in = ByteBuffer.wrap(payload);
                arrived.computeIfAbsent(in.getInt() + "#" + in.getInt() + ">" + receiver, l -> new ArrayList<>())
                        .add(in.getInt());
                return null;
            });
        }

        void sent(int sender, int incarnation, int receiver, int number, CompletableFuture<Void> future) {
            sent.computeIfAbsent(sender + "#" + incarnation + ">" + receiver, l -> new LinkedHashMap<>()).put(number, future);
        }

        void killed(int node, int incarnation) {
            killedSenders.add(node + "#" + incarnation);
            killedReceivers.add(node);
        }

        long pending() {
            return sent.entrySet().stream().filter(lane -> !killedSenders.contains(senderOf(lane.getKey())))
                    .flatMap(lane -> lane.getValue().values().stream()).filter(f -> !f.isDone()).count();
        }

        long count(boolean failed) {
            return sent.values().stream().flatMap(lane -> lane.values().stream())
                    .filter(f -> f.isDone() && f.isCompletedExceptionally() == failed).count();
        }

        void check(List<String> violations) {
            for (Map.Entry<String, Map<Integer, CompletableFuture<Void>>> lane : sent.entrySet()) {
                String key = lane.getKey();
                boolean senderKilled = killedSenders.contains(senderOf(key));
                boolean receiverKilled = killedReceivers.contains(Integer.parseInt(key.substring(key.indexOf('>') + 1)));
                List<Integer> numbers = arrived.getOrDefault(key, List.of());
                Set<Integer> seen = new HashSet<>();
                int last = -1;
                for (int number : numbers) {
                    if (number <= last) {
                        violations.add(key + ": " + number + " arrived after " + last + " (twice or out of order)");
                    }
                    last = Math.max(last, number);
                    seen.add(number);
                }
                for (Map.Entry<Integer, CompletableFuture<Void>> message : lane.getValue().entrySet()) {
                    int n = message.getKey();
                    CompletableFuture<Void> future = message.getValue();
                    if (!future.isDone()) {
                        if (!senderKilled) {
                            violations.add(key + ": " + n + " still pending");
                        }
                    } else if (future.isCompletedExceptionally()) {
                        Throwable cause = cause(future);
                        // A restart leaves what the old process had not acknowledged in doubt, as documented.
                        boolean inDoubt = receiverKilled && cause instanceof PeerRestartedException;
                        if (seen.contains(n) && !inDoubt) {
                            violations.add(key + ": " + n + " arrived, yet its sender was told it failed: " + cause);
                        }
                    } else if (!seen.contains(n)) {
                        violations.add(key + ": " + n + " never arrived, yet its sender was told it was delivered");
                    }
                }
            }
        }

        private static String senderOf(String lane) {
            return lane.substring(0, lane.indexOf('>'));
        }

        private static Throwable cause(CompletableFuture<Void> future) {
            try {
                future.join();
                return null;
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                return e.getCause() != null ? e.getCause() : e;
            }
        }
    }
}
