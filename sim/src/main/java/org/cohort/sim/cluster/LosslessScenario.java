package org.cohort.sim.cluster;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.InvalidConfigurationException;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;

/**
 * One random run, all of it drawn from its seed: a cluster of 3 to 5 nodes on a network of random
 * latency and jitter; every node delivers numbered messages to every other one through
 * {@code MessageSender.deliver} while one to three faults strike (a reset, a cut both ways or one way, a
 * node paused; cuts may outlast the resend linger), then everything heals and the run settles. Then issue 16's promise is checked lane by
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

        // received[receiver][sender]: the numbers that arrived, in arrival order
        List<List<List<Integer>>> received = new ArrayList<>();
        for (int r = 1; r <= size; r++) {
            List<List<Integer>> bySender = new ArrayList<>();
            for (int s = 0; s <= size; s++) {
                bySender.add(new ArrayList<>());
            }
            received.add(bySender);
            cluster.node(r).addHandler(SUBJECT, payload -> {
                ByteBuffer in = ByteBuffer.wrap(payload);
                bySender.get(in.getInt()).add(in.getInt());
                return null;
            });
        }
        cluster.startAll();
        if (!cluster.awaitAllActive(FORM_BOUND)) {
            violations.add("the cluster did not form within " + FORM_BOUND.toSeconds() + " virtual s");
        }

        // sent[sender][receiver]: each number's future
        List<List<List<CompletableFuture<Void>>>> sent = new ArrayList<>();
        long start = sim.nanoTime();
        long intervalNanos = 1_000_000_000L / RATE;
        int perLane = (int) (LOAD.toSeconds() * RATE);
        for (int s = 1; s <= size; s++) {
            List<List<CompletableFuture<Void>>> byReceiver = new ArrayList<>();
            for (int r = 0; r <= size; r++) {
                byReceiver.add(new ArrayList<>());
            }
            sent.add(byReceiver);
            int sender = s;
            for (int n = 0; n < perLane; n++) {
                int number = n;
                sim.schedule(n * intervalNanos + draws.nextLong(intervalNanos), "node-" + s + " delivers " + n, () -> {
                    for (int r = 1; r <= size; r++) {
                        if (r != sender) {
                            ClusterMessage message = new ClusterMessage(NodeId.of("node-" + sender), SUBJECT,
                                    ByteBuffer.allocate(8).putInt(sender).putInt(number).array());
                            byReceiver.get(r).add(cluster.node(sender).sender().deliver(NodeId.of("node-" + r),
                                    message, null));
                        }
                    }
                });
            }
        }
        int faultCount = 1 + draws.nextInt(3);
        for (int f = 0; f < faultCount; f++) {
            scheduleFault(cluster, draws, start, faults);
        }
        sim.runFor(LOAD.plus(Duration.ofSeconds(1)));
        network.healAll();
        for (int k = 1; k <= size; k++) {
            cluster.host(k).resume();
        }
        boolean settled = sim.runUntil(() -> allDone(sent) && cluster.allActive(),
                sim.nanoTime() + SETTLE_BOUND.toNanos());
        if (!settled) {
            violations.add("not settled " + SETTLE_BOUND.toSeconds() + " virtual s after the heal: "
                    + (cluster.allActive() ? "" : "the cluster is not whole; ") + pending(sent) + " futures pending");
        }
        checkLanes(size, sent, received, violations);
        long failedBack = sent.stream().flatMap(List::stream).flatMap(List::stream)
                .filter(CompletableFuture::isCompletedExceptionally).count();
        long delivered = sent.stream().flatMap(List::stream).flatMap(List::stream)
                .filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        Result result = new Result(seed, sim.digest(), sim.events(), faults, delivered, failedBack, violations,
                sim.recentEvents());
        cluster.close();
        return result;
    }

    private static void scheduleFault(SimCluster cluster, SplittableRandom draws, long start, List<String> faults) {
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
        switch (draws.nextInt(4)) {
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
            default -> {
                long pause = Duration.ofMillis(100).toNanos() + draws.nextLong(Duration.ofSeconds(4).toNanos());
                faults.add("pause node-" + a + " at " + (at - start) / 1_000_000 + " ms for " + pause / 1_000_000 + " ms");
                sim.schedule(at - sim.nanoTime(), "fault: pause", () -> cluster.host(a).pause());
                sim.schedule(at + pause - sim.nanoTime(), "fault: resume", () -> cluster.host(a).resume());
            }
        }
    }

    private static boolean allDone(List<List<List<CompletableFuture<Void>>>> sent) {
        return pending(sent) == 0;
    }

    private static long pending(List<List<List<CompletableFuture<Void>>>> sent) {
        return sent.stream().flatMap(List::stream).flatMap(List::stream).filter(f -> !f.isDone()).count();
    }

    private static void checkLanes(int size, List<List<List<CompletableFuture<Void>>>> sent,
            List<List<List<Integer>>> received, List<String> violations) {
        for (int s = 1; s <= size; s++) {
            for (int r = 1; r <= size; r++) {
                if (s == r) {
                    continue;
                }
                String lane = "node-" + s + " -> node-" + r;
                List<CompletableFuture<Void>> futures = sent.get(s - 1).get(r);
                List<Integer> arrived = received.get(r - 1).get(s);
                boolean[] seen = new boolean[futures.size()];
                int last = -1;
                for (int number : arrived) {
                    if (number <= last) {
                        violations.add(lane + ": " + number + " arrived after " + last + " (twice or out of order)");
                    }
                    last = Math.max(last, number);
                    if (number >= 0 && number < seen.length) {
                        seen[number] = true;
                    }
                }
                for (int n = 0; n < futures.size(); n++) {
                    CompletableFuture<Void> future = futures.get(n);
                    boolean failed = future.isCompletedExceptionally();
                    if (!future.isDone()) {
                        violations.add(lane + ": " + n + " still pending");
                    } else if (seen[n] && failed) {
                        violations.add(lane + ": " + n + " arrived, yet its sender was told it failed: " + cause(future));
                    } else if (!seen[n] && !failed) {
                        violations.add(lane + ": " + n + " never arrived, yet its sender was told it was delivered");
                    }
                }
            }
        }
    }

    private static String cause(CompletableFuture<Void> future) {
        try {
            future.join();
            return "none";
        } catch (RuntimeException e) {
            return String.valueOf(e.getCause());
        }
    }
}
