package org.cohort.itests.lossless;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cohort.itests.ClusterScript;
import org.cohort.itests.faults.ExampleLoad;
import org.cohort.itests.faults.Ledgers;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.reconcile.Reconciliation;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 16 on a real cluster, as root (in {@code .ci/run}, profile {@code -Pnetns}):
 *
 * <ul>
 *   <li>the stall-and-resets scenario of {@link StreamResetUnderLoadIT} with the real socket killed by
 *       {@code ss -K} (SOCK_DESTROY: the kernel aborts node 1's end and sends node 2 an RST);
 *   <li>a rolling restart under load: every node sends to every other through {@code deliver}, and each
 *       node in turn is stopped gracefully ({@code cluster.sh stop K}, SIGTERM) and started again. Every
 *       message any node numbered, in any of its runs, is matched against every receiver's ledgers, of
 *       every run: 0 unexplained, and in particular nothing a node accepted before its graceful stop began
 *       is lost (each stopped run is reconciled on its own too).
 * </ul>
 *
 * The test tools archive their sender and receiver reports in each node's data folder when they stop, so
 * the runs before a restart are reconciled too.
 */
public class LosslessAsRootIT {

    private static final int[] ALL = {1, 2, 3};
    private static final Set<String> DELIVER_LANE = Set.of(LoadSubjects.LANE_LOAD_DELIVER);
    /** Each node's deliver load, spread over the two others: modest, for three nodes on two cores. */
    private static final int DELIVER_RATE = 500;
    private static final int LOAD_SECONDS = 1_800;
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(10);

    private ClusterScript script;

    @After
    public void down() throws Exception {
        if (script != null) {
            script.run("down");
        }
    }

    @Test
    public void aStalledReceiverAndThreeKilledSocketsLoseNothingAcceptedAndDuplicateNothing() throws Exception {
        script = new ClusterScript("lossless-ss-kill-it");
        new ResetsUnderStall(script).run("ss -K", this::killStreamBetweenNodes1And2);
    }

    /**
     * Kills node 1's end of its cluster stream to node 2 with {@code ss -K}: what an operator's tool or a
     * middlebox does to a live connection. Needs root; fails, never skips, without.
     *
     * @return whether a live socket was killed
     */
    private boolean killStreamBetweenNodes1And2() throws Exception {
        String port = ":" + script.portBase;
        Process ss = new ProcessBuilder("ss", "-K", "-t", "-n", "-H", "state", "established", "src", "127.0.0.1",
                "dst", "127.0.0.2", "( sport = " + port + " or dport = " + port + " )").redirectErrorStream(true).start();
        String output = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!ss.waitFor(10, TimeUnit.SECONDS) || ss.exitValue() != 0) {
            throw new AssertionError("ss -K failed (root and iproute2's ss are needed): " + output);
        }
        return !output.isBlank();
    }

    @Test
    public void aRollingRestartUnderLoadLeavesNothingUnexplainedAndLosesNothingAcceptedBeforeAStop()
            throws Exception {
        script = new ClusterScript("lossless-rolling-it");
        ExampleLoad load = new ExampleLoad(script);
        Ledgers ledgers = new Ledgers(script);
        Instant began = Instant.now();
        script.run("up", "3", "--assembly", ClusterScript.assembly().toString());
        for (int k : ALL) {
            load.install(k);
        }
        for (int k : ALL) {
            startDeliverLoad(k);
        }
        for (int k : ALL) {
            awaitSending(ledgers, k);
        }

        List<String> rounds = new ArrayList<>();
        for (int k : ALL) {
            Instant stopped = Instant.now();
            script.run("stop", Integer.toString(k));
            script.run("start", Integer.toString(k));
            load.awaitCommands(k);
            startDeliverLoad(k);
            awaitSending(ledgers, k);
            rounds.add("node-" + k + " " + Duration.between(stopped, Instant.now()).toSeconds() + " s");
        }

        for (int k : ALL) {
            script.cli(k, "example:load-stop");
        }
        for (int k : ALL) {
            await("node " + k + "'s outcomes").atMost(OUTCOME_WAIT.plusSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Boolean.FALSE.equals(load.status(k, "deliver").get("running")));
        }
        for (int k : ALL) {
            ledgers.awaitQuiet(k, Duration.ofSeconds(60));
        }

        Reconciliation all = ledgers.reconciliation(DELIVER_LANE, ALL, ALL);
        Reconciliation.Totals totals = all.reconcile();
        List<String> stoppedRuns = new ArrayList<>();
        long lostAcrossStops = 0;
        for (int k : ALL) {
            for (Map<String, Object> run : ledgers.archived(k, "sent")) {
                Reconciliation.Totals runTotals = ledgers.addReceivers(new Reconciliation(DELIVER_LANE)
                        .onlyReportedRuns().sender(run), ALL, ALL).reconcile();
                lostAcrossStops += runTotals.unexplained();
                stoppedRuns.add("node-" + k + " run " + run.get("epoch") + ": " + runTotals.figures());
            }
        }
        System.out.println("[lossless] rolling restart (" + rounds + ") under a deliver load of " + DELIVER_RATE
                + "/s per node: " + totals + "; the stopped runs alone: " + stoppedRuns + "; "
                + Duration.between(began, Instant.now()).toSeconds() + " s in all (cluster up included)");

        // Every message of a stopped run was accepted before its node's graceful stop began.
        assertEquals("unexplained messages of the runs that ended with a graceful stop: " + stoppedRuns, 0,
                lostAcrossStops);
        assertEquals("unexplained: " + totals, 0, totals.unexplained());
    }

    private void startDeliverLoad(int k) throws Exception {
        script.cli(k, "example:load --mode deliver --rate " + DELIVER_RATE + " --duration " + LOAD_SECONDS
                + " --timeout-ms " + OUTCOME_WAIT.toMillis());
    }

    /** Waits until node K's current run has numbered messages to both other nodes. */
    @SuppressWarnings("unchecked")
    private static void awaitSending(Ledgers ledgers, int k) {
        await("node " + k + " sends to both others").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> ((List<Map<String, Object>>) ledgers.sent(k).get("lanes")).stream()
                        .filter(lane -> LoadSubjects.LANE_LOAD_DELIVER.equals(lane.get("lane")))
                        .filter(lane -> ((Number) lane.get("numbered")).longValue() >= 100).count() == 2);
    }
}
