package org.cohort.sim.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explorer: {@link FaultScenario} over many seeds ({@code -Dsim.faults=CUT=3,KILL=0,...} weighs the
 * faults; see {@link FaultMix}).
 *
 * <ul>
 *   <li>{@code -Dsim.seed=S} runs seed S alone and prints {@code simulation seed S digest HEX};
 *   <li>{@code -Dsim.seeds=N} runs N seeds drawn at random (from {@code -Dsim.base=B} if given) and ends
 *       with {@code simulation: N seeds, F failed, E events in T s};
 *   <li>by default (every build) it runs seeds 1 to {@link #BUILD_SEEDS}, and always the regression seeds
 *       of {@code regression-seeds.txt}.
 * </ul>
 *
 * A failed seed prints the seed, the broken invariants, the faults, the last events of the trace and the
 * command that replays it. (The two lines above are read by scripts: keep them exactly.) {@code
 * -Dsim.shrink=S} shrinks a failing seed to the fewest of its faults that still break it, and {@code
 * -Dsim.skip=I,J} replays a seed without those faults (by their index in its list); {@code
 * -Dsim.list=S1,S2,...} runs the seeds named (with the regression seeds).
 */
class SimExplorerTest {

    private static final Logger LOG = LoggerFactory.getLogger(SimExplorerTest.class);
    /** Seeds every build runs (about a minute on a 2-core machine). */
    static final int BUILD_SEEDS = 200;

    @Test
    void everyInvariantHoldsForEverySeed() throws Exception {
        FaultMix mix = FaultMix.parse(System.getProperty("sim.faults", ""));
        String shrink = System.getProperty("sim.shrink");
        if (shrink != null) {
            shrink(Long.parseLong(shrink), mix);
            return;
        }
        String single = System.getProperty("sim.seed");
        if (single != null) {
            FaultScenario.Result result = FaultScenario.run(Long.parseLong(single), mix, skipped());
            System.out.println("simulation seed " + result.seed() + " digest " + result.digest());
            LOG.info("Seed {}: {} nodes, {} events, {} virtual ms, faults {}, {} delivered, failed back {}, {}",
                    result.seed(), result.nodes(), result.events(), result.virtualNanos() / 1_000_000, result.faults(),
                    result.delivered(), result.failedBack(), result.requests());
            assertThat(result.violations()).as(report(result)).isEmpty();
            return;
        }
        java.util.Set<Long> seeds = new java.util.LinkedHashSet<>(regressionSeeds());
        String count = System.getProperty("sim.seeds");
        String list = System.getProperty("sim.list");
        if (list != null) { // seeds named one by one: a long run's failures, checked again
            for (String seed : list.split(",")) {
                seeds.add(Long.parseLong(seed.trim()));
            }
        } else if (count != null) {
            long base = Long.getLong("sim.base", System.nanoTime());
            LOG.info("Exploring {} seeds drawn from base {}", count, base);
            SplittableRandom draw = new SplittableRandom(base);
            for (int i = 0; i < Integer.parseInt(count); i++) {
                seeds.add(draw.nextLong() & Long.MAX_VALUE);
            }
        } else {
            for (long seed = 1; seed <= BUILD_SEEDS; seed++) {
                seeds.add(seed);
            }
        }
        long started = System.nanoTime();
        long events = 0;
        long delivered = 0;
        java.util.Map<String, Long> failedBack = new java.util.TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (FaultScenario.Result result : runAll(seeds, mix)) {
            events += result.events();
            delivered += result.delivered();
            result.failedBack().forEach((cause, n) -> failedBack.merge(cause, n, Long::sum));
            if (!result.passed()) {
                failures.add(report(result));
            }
        }
        System.out.println("simulation: " + seeds.size() + " seeds, " + failures.size() + " failed, " + events
                + " events in " + (System.nanoTime() - started) / 1_000_000_000 + " s");
        LOG.info("Explored: {} messages delivered once and in order; failed back to their senders: {}", delivered,
                failedBack);
        assertThat(failures).as("failed seeds").isEmpty();
    }

    /**
     * Runs the seeds on {@code -Dsim.threads} threads (default: one per processor, at most four), each seed
     * a simulation of its own on one thread; results in seed order. A simulation shares nothing with
     * another, so where it runs changes nothing in it (its digest is the same alone or among others).
     */
    private static List<FaultScenario.Result> runAll(java.util.Collection<Long> seeds, FaultMix mix)
            throws Exception {
        int threads = Integer.getInteger("sim.threads", Math.min(4, Runtime.getRuntime().availableProcessors()));
        java.util.concurrent.atomic.AtomicInteger named = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads,
                task -> new Thread(task, "sim-explorer-" + named.incrementAndGet()));
        try {
            List<java.util.concurrent.Future<FaultScenario.Result>> runs = new ArrayList<>();
            for (long seed : seeds) {
                runs.add(pool.submit(() -> {
                    FaultScenario.Result result = FaultScenario.run(seed, mix);
                    // As each ends, so that a long run shows its progress.
                    LOG.info("Seed {} (digest {}): {} nodes, faults {}, {} delivered, failed back {}, {}, {}",
                            result.seed(), result.digest(), result.nodes(), result.faults(), result.delivered(),
                            result.failedBack(), result.requests(), result.passed() ? "held" : "BROKEN");
                    return result;
                }));
            }
            List<FaultScenario.Result> results = new ArrayList<>();
            for (java.util.concurrent.Future<FaultScenario.Result> run : runs) {
                results.add(run.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String report(FaultScenario.Result result) {
        List<String> shown = result.violations().subList(0, Math.min(20, result.violations().size()));
        return "seed " + result.seed() + " broke " + result.violations().size() + " invariant(s):\n  "
                + String.join("\n  ", shown) + "\nfaults: " + result.faults() + "\nlast events:\n  "
                + String.join("\n  ", result.recentEvents()) + "\nreplay: mvn -pl sim test -Dtest=SimExplorerTest -Dsim.seed="
                + result.seed() + mixArgument() + "\n";
    }

    /**
     * Shrinks a failing seed: leaves out its faults one at a time, keeping each left out while the run still
     * fails, and prints the smallest schedule found and the command that replays it.
     */
    private static void shrink(long seed, FaultMix mix) throws Exception {
        FaultScenario.Result whole = FaultScenario.run(seed, mix);
        assertThat(whole.passed()).as("seed " + seed + " holds: nothing to shrink").isFalse();
        java.util.Set<Integer> skipped = new java.util.TreeSet<>();
        FaultScenario.Result smallest = whole;
        for (int fault = 0; fault < whole.faults().size(); fault++) {
            java.util.Set<Integer> trial = new java.util.TreeSet<>(skipped);
            trial.add(fault);
            FaultScenario.Result result = FaultScenario.run(seed, mix, trial);
            if (!result.passed()) {
                skipped = trial;
                smallest = result;
            }
        }
        String skip = skipped.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","));
        System.out.println("shrunk seed " + seed + " to faults " + smallest.faults() + ", still broken:\n  "
                + String.join("\n  ", smallest.violations().subList(0, Math.min(10, smallest.violations().size())))
                + "\nreplay: mvn -pl sim test -Dtest=SimExplorerTest -Dsim.seed=" + seed + mixArgument()
                + (skip.isEmpty() ? "" : " -Dsim.skip=" + skip));
    }

    private static java.util.Set<Integer> skipped() {
        java.util.Set<Integer> skipped = new java.util.TreeSet<>();
        for (String index : System.getProperty("sim.skip", "").split(",")) {
            if (!index.isBlank()) {
                skipped.add(Integer.parseInt(index.trim()));
            }
        }
        return skipped;
    }

    private static String mixArgument() {
        String faults = System.getProperty("sim.faults", "");
        return faults.isBlank() ? "" : " -Dsim.faults=" + faults;
    }

    private static List<Long> regressionSeeds() throws IOException {
        List<Long> seeds = new ArrayList<>();
        try (InputStream in = SimExplorerTest.class.getResourceAsStream("regression-seeds.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String seed = line.split("\\s+")[0];
                if (!seed.isEmpty() && !seed.startsWith("#")) { // a line that starts blank continues a note
                    seeds.add(Long.parseLong(seed));
                }
            }
        }
        return seeds;
    }
}
