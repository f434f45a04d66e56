package org.cohort.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same run: whole random runs (faults, load, checks) replay bit for bit, whether a seed runs
 * alone or beside other simulations on other threads, as the explorer runs them.
 */
class FaultScenarioReplayTest {

    private static final long[] SEEDS = {11, 12, 13};

    @Test
    void eachSeedReplaysToTheSameDigestAloneOrBesideOthers() throws Exception {
        List<String> alone = new ArrayList<>();
        for (long seed : SEEDS) {
            alone.add(FaultScenario.run(seed).digest());
        }
        ExecutorService pool = Executors.newFixedThreadPool(2, task -> new Thread(task, "replay-test"));
        try {
            List<Future<FaultScenario.Result>> beside = new ArrayList<>();
            for (long seed : SEEDS) {
                beside.add(pool.submit(() -> FaultScenario.run(seed)));
            }
            for (int i = 0; i < SEEDS.length; i++) {
                assertThat(beside.get(i).get().digest()).as("seed " + SEEDS[i]).isEqualTo(alone.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(alone).as("different seeds, different runs").doesNotHaveDuplicates();
    }
}
