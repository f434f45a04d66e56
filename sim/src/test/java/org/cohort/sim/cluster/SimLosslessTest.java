package org.cohort.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's promise on virtual time: node 1 delivers numbered messages to node 2 while the streams
 * between them are reset again and again; node 2's subscriber gets each exactly once, in order, and
 * every future says delivered. The resets fall where each seed puts them.
 */
class SimLosslessTest {

    private static final MessageSubject SUBJECT = MessageSubject.of("sim.lossless");
    private static final int MESSAGES = 3_000;

    @Test
    void resetsUnderLoadLoseNothingAndDoubleNothingForEverySeed() throws Exception {
        for (long seed = 1; seed <= 5; seed++) {
            Outcome outcome = run(seed);
            assertThat(outcome.received).as("seed %d: received, exactly once and in order (%d resets)", seed,
                    outcome.resets).containsExactlyElementsOf(range(MESSAGES));
            assertThat(outcome.delivered).as("seed %d: futures that said delivered", seed).isEqualTo(MESSAGES);
            assertThat(outcome.resets).as("seed %d: stream ends reset", seed).isGreaterThan(0);
        }
    }

    private record Outcome(List<Integer> received, long delivered, int resets) {
    }

    private static Outcome run(long seed) throws Exception {
        Simulation sim = new Simulation(seed);
        SimNetwork network = new SimNetwork(sim, Duration.ofMillis(1), Duration.ofMillis(2));
        SimCluster cluster = new SimCluster(sim, network, 3, Map.of(), Map.of());
        List<Integer> received = new ArrayList<>();
        cluster.node(2).addHandler(SUBJECT, payload -> {
            received.add(ByteBuffer.wrap(payload).getInt());
            return null;
        });
        cluster.startAll();
        assertThat(cluster.awaitAllActive(Duration.ofSeconds(5))).isTrue();

        // 3,000 messages over 3 virtual seconds, and a reset of the 1-2 streams at a time the seed picks
        // in each of the three seconds.
        NodeId to = NodeId.of("node-2");
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        java.util.SplittableRandom draws = sim.split();
        int[] resets = {0};
        for (int second = 0; second < 3; second++) {
            sim.schedule(Duration.ofSeconds(second).toNanos() + draws.nextLong(Duration.ofSeconds(1).toNanos()),
                    "fault: reset node-1/node-2",
                    () -> resets[0] += network.reset(SimCluster.address(1), SimCluster.address(2)));
        }
        for (int i = 0; i < MESSAGES; i++) {
            int n = i;
            sim.schedule(Duration.ofMillis(i).toNanos(), "node-1 delivers " + n, () -> futures.add(cluster.node(1).sender()
                    .deliver(to, new ClusterMessage(NodeId.of("node-1"), SUBJECT, ByteBuffer.allocate(4).putInt(n).array()),
                            null)));
        }
        sim.runUntil(() -> futures.size() == MESSAGES && futures.stream().allMatch(CompletableFuture::isDone),
                sim.nanoTime() + Duration.ofSeconds(30).toNanos());
        long delivered = futures.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
        cluster.close();
        return new Outcome(received, delivered, resets[0]);
    }

    private static List<Integer> range(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }
}
