package org.cohort.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.membership.MemberState;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Scale, in simulation: clusters of 8 to 64 nodes form, a killed node is seen INACTIVE by every other,
 * a cut into two halves is seen by both and heals; and what the nodes send and the simulator costs. The
 * whole table runs by hand ({@code -Dsim.scale=true}; docs/simulation.md keeps it); every build runs
 * the same steps on 8 nodes.
 */
class SimScaleTest {

    @Test
    void eightNodesFormDetectAKillAndHealAHalvesCut() throws Exception {
        Row row = run(8);
        assertThat(row.formedMs()).isPositive();
    }

    @Test
    @EnabledIfSystemProperty(named = "sim.scale", matches = "true")
    void clustersOf8To64Nodes() throws Exception {
        System.out.println("| nodes | formed (virtual ms) | kill -9 seen by all (virtual ms) | halves cut seen (virtual ms) "
                + "| healed (virtual ms) | segments per node per virtual s | bytes per node per virtual s "
                + "| events per virtual s | events | real s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int n : new int[] {8, 16, 32, 64}) {
            Row row = run(n);
            System.out.printf("| %d | %d | %d | %d | %d | %.0f | %.0f | %d | %d | %.1f |%n", n, row.formedMs(),
                    row.killSeenMs(), row.cutSeenMs(), row.healedMs(), row.segmentsPerNodeSecond(),
                    row.bytesPerNodeSecond(), row.eventsPerVirtualSecond(), row.events(), row.realSeconds());
        }
    }

    private record Row(long formedMs, long killSeenMs, long cutSeenMs, long healedMs, double segmentsPerNodeSecond,
            double bytesPerNodeSecond, long eventsPerVirtualSecond, long events, double realSeconds) {
    }

    private static Row run(int n) throws Exception {
        long started = System.nanoTime();
        Simulation sim = new Simulation(n);
        SimNetwork network = new SimNetwork(sim, Duration.ofMillis(1), Duration.ofMillis(1));
        SimCluster cluster = new SimCluster(sim, network, n, Map.of(), Map.of());
        cluster.startAll();
        assertThat(cluster.awaitAllActive(Duration.ofSeconds(60))).as("%d nodes form", n).isTrue();
        long formed = sim.nanoTime();

        // Steady state: 10 virtual seconds of heartbeats only.
        long segments = network.segmentsSent();
        long bytes = network.bytesSent();
        long events = sim.events();
        sim.runFor(Duration.ofSeconds(10));
        double segmentsPerNodeSecond = (network.segmentsSent() - segments) / (10.0 * n);
        double bytesPerNodeSecond = (network.bytesSent() - bytes) / (10.0 * n);
        long eventsPerVirtualSecond = (sim.events() - events) / 10;

        // The last node is killed: every other sees it INACTIVE.
        long killedAt = sim.nanoTime();
        cluster.kill(n);
        assertThat(sim.runUntil(() -> allSee(cluster, 1, n - 1, n, false), killedAt + Duration.ofSeconds(30).toNanos()))
                .as("%d nodes: every node sees the killed one INACTIVE", n).isTrue();
        long killSeen = sim.nanoTime() - killedAt;
        cluster.restart(n, node -> { });
        assertThat(cluster.awaitAllActive(Duration.ofSeconds(60))).as("%d nodes: whole again", n).isTrue();

        // Two halves cut apart: each side sees the other INACTIVE; healed, everyone ACTIVE again.
        int half = n / 2;
        long cutAt = sim.nanoTime();
        for (int a = 1; a <= half; a++) {
            for (int b = half + 1; b <= n; b++) {
                network.cutBothWays(SimCluster.address(a), SimCluster.address(b));
            }
        }
        assertThat(sim.runUntil(() -> allSee(cluster, 1, half, n, false) && allSee(cluster, half + 1, n, 1, false),
                cutAt + Duration.ofSeconds(30).toNanos())).as("%d nodes: the halves see each other gone", n).isTrue();
        long cutSeen = sim.nanoTime() - cutAt;
        long healAt = sim.nanoTime();
        network.healAll();
        assertThat(cluster.awaitAllActive(Duration.ofSeconds(60))).as("%d nodes: healed", n).isTrue();
        long healed = sim.nanoTime() - healAt;
        long total = sim.events();
        cluster.close();
        return new Row(formed / 1_000_000, killSeen / 1_000_000, cutSeen / 1_000_000, healed / 1_000_000,
                segmentsPerNodeSecond, bytesPerNodeSecond, eventsPerVirtualSecond, total,
                (System.nanoTime() - started) / 1e9);
    }

    /** Whether nodes FROM..TO all see node OF in the given state. */
    private static boolean allSee(SimCluster cluster, int from, int to, int of, boolean active) {
        for (int k = from; k <= to; k++) {
            boolean seen = cluster.node(k).membership().state(NodeId.of("node-" + of)).map(MemberState::isActive)
                    .orElse(false);
            if (seen != active) {
                return false;
            }
        }
        return true;
    }
}
