package org.cohort.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.cohort.core.membership.MemberState;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;
import org.junit.jupiter.api.Test;

/** Whole nodes, as DS and CohortNode assemble them, on the simulation's seams. */
class SimClusterTest {

    private static SimCluster startThree(Simulation sim) throws Exception {
        SimCluster cluster = new SimCluster(sim, new SimNetwork(sim, Duration.ofMillis(1), Duration.ofMillis(1)), 3,
                Map.of(), Map.of(1, 1_000_000L, 2, 2_000_000L, 3, 3_000_000L));
        cluster.startAll();
        return cluster;
    }

    @Test
    void threeNodesFormAClusterOnVirtualTime() throws Exception {
        Simulation sim = new Simulation(42);
        SimCluster cluster = startThree(sim);

        sim.runFor(Duration.ofSeconds(3));

        for (int k = 1; k <= 3; k++) {
            assertThat(cluster.node(k).membership().states()).as("node-%d after 3 virtual seconds", k)
                    .hasSize(3).allMatch(MemberState::isActive);
        }
        cluster.close();
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
        SimCluster cluster = startThree(sim);
        sim.runFor(Duration.ofSeconds(2));
        cluster.close();
        return "simulation seed " + seed + " digest " + sim.digest() + " (" + sim.events() + " events)";
    }

    private static java.util.Set<String> cohortThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("cohort-")).collect(java.util.stream.Collectors.toSet());
    }
}
