package org.cohort.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.ClusterSettingsParser;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.membership.MemberState;
import org.cohort.core.runtime.NodeRuntime;
import org.cohort.core.runtime.Randomness;
import org.cohort.sim.SimClock;
import org.cohort.sim.SimScheduling;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;
import org.cohort.sim.net.SimTransport;
import org.junit.jupiter.api.Test;

/** Whole nodes, as DS and CohortNode assemble them, on the simulation's seams. */
class SimClusterTest {

    private static final String MEMBERS = "node-1@10.0.0.1:7000,node-2@10.0.0.2:7000,node-3@10.0.0.3:7000";

    private static List<NodeAssembly> startThree(Simulation sim) throws Exception {
        SimNetwork network = new SimNetwork(sim, Duration.ofMillis(1), Duration.ofMillis(1));
        List<NodeAssembly> nodes = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            String name = "node-" + k;
            ClusterSettings settings = ClusterSettingsParser.parse(Map.of("cluster.name", "sim", "node.id", name,
                    "members", MEMBERS));
            NodeRuntime runtime = NodeRuntime.of(new SimClock(sim, k * 1_000_000L), Randomness.seeded(sim.split().nextLong()),
                    new SimScheduling(sim, name), () -> new SimTransport(network, name));
            NodeAssembly node = NodeAssembly.builder(settings).runtime(runtime).incarnation(1_000L * k).build();
            node.start();
            nodes.add(node);
        }
        return nodes;
    }

    @Test
    void threeNodesFormAClusterOnVirtualTime() throws Exception {
        Simulation sim = new Simulation(42);
        List<NodeAssembly> nodes = startThree(sim);

        sim.runFor(Duration.ofSeconds(3));

        for (NodeAssembly node : nodes) {
            assertThat(node.membership().states()).as(node + " after 3 virtual seconds")
                    .hasSize(3).allMatch(MemberState::isActive);
        }
        nodes.forEach(NodeAssembly::close);
    }

    @Test
    void theSameSeedReplaysTheWholeClusterBitForBitAndNoThreadIsStarted() throws Exception {
        java.util.Set<String> threadsBefore = cohortThreads();
        String first = runOfSeed(7);

        assertThat(runOfSeed(7)).as("the same seed").isEqualTo(first);
        assertThat(runOfSeed(8)).as("another seed").isNotEqualTo(first);
        assertThat(cohortThreads()).as("everything ran on this thread").isEqualTo(threadsBefore);
    }

    /** Three nodes form, run two virtual seconds and stop: the trace's digest and length. */
    private static String runOfSeed(long seed) throws Exception {
        Simulation sim = new Simulation(seed);
        List<NodeAssembly> nodes = startThree(sim);
        sim.runFor(Duration.ofSeconds(2));
        nodes.forEach(NodeAssembly::close);
        return "simulation seed " + seed + " digest " + sim.digest() + " (" + sim.events() + " events)";
    }

    private static java.util.Set<String> cohortThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("cohort-")).collect(java.util.stream.Collectors.toSet());
    }
}
