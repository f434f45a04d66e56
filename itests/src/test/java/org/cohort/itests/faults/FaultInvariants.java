package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.cohort.itests.ClusterScript;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.reconcile.Reconciliation;

/**
 * The invariants every fault scenario ends with, checked on the running nodes of a {@code cluster.sh}
 * cluster that ran the example load ({@link ExampleLoad}):
 *
 * <ul>
 *   <li>every {@code sendAndReceive} completed, with a reply or a documented exception, within its
 *       timeout plus a second: once the loads stop, nothing is pending, and nothing completed late;
 *   <li>nothing was delivered twice and every (sender, subject, lane) arrived in order: unicasts,
 *       broadcasts, requests, and the replies the requesters got;
 *   <li>no unexplained gap (issue 16): every message of the one-way deliver load that a receiver is missing
 *       between the first and the last it got of that sender run was failed back to its sender, with a
 *       reason ({@link Reconciliation}, {@code withinReceivedWindows}: a killed node's ledger goes with its
 *       JVM, so what it got before cannot be checked, and a killed sender's outcomes likewise); nothing
 *       arrived twice, and nothing its sender was told failed arrived all the same;
 *   <li>no leaked stream: each node holds exactly one ESTABLISHED cluster stream to each other node, and
 *       no other socket on the cluster port but its listener (a CLOSE_WAIT held would be a leak);
 *   <li>no Netty leak report ({@code LEAK:}) and no ERROR line in any node's log but those expected.
 * </ul>
 *
 * Use: {@code new FaultInvariants(script).check(1, 2, 3)} after a scenario, with the loads still running
 * or not; it stops them. Threads and memory are compared by the scenarios themselves
 * ({@link NodeProcess#resources()}), as only they know what "before" is.
 */
public final class FaultInvariants {

    /** How long after the loads stop their last requests may still be completing. */
    private static final Duration SETTLE = ExampleLoad.REQUEST_TIMEOUT.plusSeconds(10);
    /** How long streams may take to settle to one per pair after a scenario. */
    private static final Duration STREAMS_SETTLE = Duration.ofSeconds(20);

    /**
     * ERROR lines a test run causes by design: a shell command that failed (the tests' own polls for a
     * command that is not there yet are answered with an error, which Karaf logs).
     */
    private static final List<Pattern> ALWAYS_EXPECTED = List.of(
            Pattern.compile("^ShellUtil$"));

    private final ClusterScript script;
    private final ExampleLoad load;
    private final List<Pattern> expectedErrors = new ArrayList<>();
    private IntFunction<String> address = k -> "127.0.0." + k;

    public FaultInvariants(ClusterScript script) {
        this.script = script;
        this.load = new ExampleLoad(script);
    }

    /** ERROR lines (their message, or their logger's short name) this scenario expects; regular expressions. */
    public FaultInvariants expectErrors(String... patterns) {
        for (String pattern : patterns) {
            expectedErrors.add(Pattern.compile(pattern));
        }
        return this;
    }

    /** Where node K's cluster stream ends (127.0.0.K on {@code cluster.sh}'s loopback cluster). */
    public FaultInvariants addresses(IntFunction<String> nodeAddress) {
        this.address = nodeAddress;
        return this;
    }

    /**
     * Stops the loads of the given nodes (every running node of the cluster) and checks every invariant.
     *
     * @return the figures behind them, one line per node, to print
     */
    public String check(int... nodes) throws Exception {
        for (int k : nodes) {
            load.stop(k);
        }
        StringBuilder report = new StringBuilder();
        for (int k : nodes) {
            report.append(assertRequestsCompleted(k)).append('\n');
        }
        for (int k : nodes) {
            report.append(assertNoDuplicatesOrReordering(k)).append('\n');
        }
        report.append(assertNoUnexplainedGap(nodes)).append('\n');
        assertOneStreamPerPair(nodes);
        for (int k : nodes) {
            assertLogClean(k);
        }
        return report.toString();
    }

    /**
     * Node K's request load, once stopped: nothing pending once the last timeouts have passed, nothing
     * completed later than its timeout plus the margin.
     */
    public String assertRequestsCompleted(int k) throws Exception {
        if ("NONE".equals(load.status(k, "request").get("state"))) {
            return "node-" + k + " ran no request load";
        }
        await("node " + k + ": no request pending").atMost(SETTLE).pollInterval(Duration.ofMillis(500))
                .until(() -> ExampleLoad.number(load.status(k, "request"), "pending") == 0);
        Map<String, Object> status = load.status(k, "request");
        long overshoot = ExampleLoad.number(status, "maxOvershootMs");
        long margin = ExampleLoad.number(status, "lateMarginMs");
        long starved = ExampleLoad.number(status, "maxSchedulingDelayMs");
        // A request may complete at most the margin after its timeout, plus however long this node's own
        // threads could not run (a paused node, a starved host): its timer could not fire sooner. The
        // report prints both, so that a widened bound is never silent.
        assertTrue("node " + k + ": a request completed " + overshoot + " ms after its timeout; margin " + margin
                + " ms, the node's own scheduling delay up to " + starved + " ms: " + status,
                overshoot <= margin + starved);
        assertEquals("node " + k + ": sent = replies + failures: " + status, ExampleLoad.number(status, "sent"),
                ExampleLoad.number(status, "replies") + ExampleLoad.number(status, "failures"));
        return "node-" + k + " requests: sent " + status.get("sent") + ", replies " + status.get("replies")
                + ", failures " + status.get("failuresByType") + ", pending " + status.get("pending")
                + ", late " + status.get("late") + " (up to " + status.get("maxOvershootMs") + " ms past the timeout; "
                + "the node's scheduling delay up to " + status.get("maxSchedulingDelayMs") + " ms)";
    }

    /** Node K received nothing twice and every lane in order (replies included). */
    @SuppressWarnings("unchecked")
    public String assertNoDuplicatesOrReordering(int k) throws Exception {
        Map<String, Object> received = load.received(k);
        Map<String, Object> totals = (Map<String, Object>) received.get("totals");
        List<Map<String, Object>> lanes = (List<Map<String, Object>>) received.get("lanes");
        assertEquals("node " + k + ": duplicates: " + lanes, 0, ExampleLoad.number(totals, "duplicates"));
        assertEquals("node " + k + ": out of order: " + lanes, 0, ExampleLoad.number(totals, "outOfOrder"));
        Map<String, Long> gaps = new LinkedHashMap<>();
        for (Map<String, Object> lane : lanes) {
            if (ExampleLoad.number(lane, "gaps") > 0) {
                gaps.put(lane.get("sender") + "/" + lane.get("lane"), ExampleLoad.number(lane, "gaps"));
            }
        }
        return "node-" + k + " received " + totals.get("received") + " (" + lanes.size()
                + " lanes): duplicates 0, out of order 0, gaps " + (gaps.isEmpty() ? "none" : gaps);
    }

    /**
     * Every gap in the deliver load's lanes is explained: once the senders' outcomes and the receivers'
     * ledgers have settled, each message a receiver misses between the first and the last it got of a
     * sender run was failed back to that sender (its future failed, with a reason); nothing arrived twice;
     * nothing failed back arrived. The runs a node's test tools archived when it stopped count too.
     *
     * @param nodes the running nodes (their loads stopped)
     * @return the reconciliation's figures, to print
     */
    public String assertNoUnexplainedGap(int... nodes) throws Exception {
        for (int k : nodes) {
            await("node " + k + ": every deliver outcome in").atMost(SETTLE).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        Map<String, Object> status = load.status(k, "deliver");
                        return "NONE".equals(status.get("state")) || ExampleLoad.number(status, "pending") == 0;
                    });
        }
        Ledgers ledgers = new Ledgers(script);
        for (int k : nodes) {
            ledgers.awaitQuiet(k, STREAMS_SETTLE);
        }
        Reconciliation reconciliation = new Reconciliation(Set.of(LoadSubjects.LANE_LOAD_DELIVER)).onlyReportedRuns()
                .withinReceivedWindows();
        ledgers.addReceivers(ledgers.addSenders(reconciliation, nodes, nodes), nodes, nodes);
        Reconciliation.Totals totals = reconciliation.reconcile();
        assertEquals("unexplained gaps, duplicates or contradictions in the deliver lanes: " + totals, 0,
                totals.unexplained());
        return "deliver lanes reconciled: " + totals.figures();
    }

    /**
     * Each node holds exactly one ESTABLISHED stream to each other node of the list and no other socket on
     * the cluster port (waits for the streams to settle first).
     */
    public void assertOneStreamPerPair(int... nodes) throws Exception {
        for (int k : nodes) {
            NodeProcess process = NodeProcess.of(script, k);
            Map<String, Map<String, Integer>> expected = new LinkedHashMap<>();
            for (int j : nodes) {
                if (j != k) {
                    expected.put(address.apply(j), Map.of("ESTABLISHED", 1));
                }
            }
            try {
                await("node " + k + ": one stream per peer").atMost(STREAMS_SETTLE).pollInterval(Duration.ofMillis(250))
                        .until(() -> process.clusterStreams(script.portBase).equals(expected));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("node " + k + "'s cluster streams " + process.clusterStreams(script.portBase)
                        + ", expected " + expected, e);
            }
        }
    }

    /** No Netty leak report and no unexpected ERROR line in node K's log. */
    public void assertLogClean(int k) throws Exception {
        NodeLog log = NodeLog.read(script.log(k));
        List<String> leaks = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (NodeLog.Entry entry : log.entries()) {
            if (entry.text().contains("LEAK:")) {
                leaks.add(entry.text());
            } else if (entry.level().equals("ERROR") && !expected(entry)) {
                errors.add(entry.text());
            }
        }
        assertTrue("node " + k + ": Netty leak reports:\n" + String.join("\n", leaks), leaks.isEmpty());
        assertTrue("node " + k + ": unexpected ERROR lines:\n" + String.join("\n", errors), errors.isEmpty());
    }

    private boolean expected(NodeLog.Entry entry) {
        List<Pattern> all = new ArrayList<>(ALWAYS_EXPECTED);
        all.addAll(expectedErrors);
        return all.stream().anyMatch(p -> p.matcher(entry.logger()).find() || p.matcher(entry.message()).find());
    }
}
