package org.cohort.itests.lossless;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cohort.itests.ClusterScript;
import org.cohort.itests.faults.ExampleLoad;
import org.cohort.itests.faults.Ledgers;
import org.cohort.shell.CommandJson;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.reconcile.Reconciliation;

/**
 * Issue 16's real-cluster proof of its items 1 and 4 (receiver overflow, stream reset) together: on three nodes, node 2's test-tools handler stalls
 * for {@value #STALL_SECONDS} s while node 1 sends it {@value #RATE} unicasts a second for
 * {@value #DURATION_SECONDS} s (through {@code trySend}), and the stream between them is reset
 * {@value #RESETS} times under that load. Then: node 2 received exactly what node 1 had accepted, with no
 * gap, duplicate or reordering; node 1's refusals are counted by their reason; the reconciliation of node
 * 1's numbered messages with node 2's ledger leaves nothing unexplained. How the stream is reset is the
 * caller's: {@code cluster:disconnect --reset} (every build) or {@code ss -K} on the real socket (as root).
 */
final class ResetsUnderStall {

    static final int RATE = 4_000;
    static final int DURATION_SECONDS = 12;
    static final int STALL_SECONDS = 5;
    static final int RESETS = 3;
    /** When, into the load, each reset is made. */
    private static final long[] RESET_AT_MS = {2_500, 5_500, 8_500};
    private static final int[] ALL = {1, 2, 3};
    private static final Set<String> LANES = Set.of(LoadSubjects.LANE_LOAD_UNICAST);

    /** Resets the stream between nodes 1 and 2; false when there was no live stream to reset. */
    interface Reset {
        boolean reset() throws Exception;
    }

    private final ClusterScript script;
    private final ExampleLoad load;
    private final Ledgers ledgers;
    /** The most bytes node 1 held for node 2 (queued, and resend if the figures have it), as sampled. */
    private final Map<String, Long> peakQueues = new java.util.TreeMap<>();
    private int queueSamples;

    ResetsUnderStall(ClusterScript script) {
        this.script = script;
        this.load = new ExampleLoad(script);
        this.ledgers = new Ledgers(script);
    }

    /** Runs the scenario, prints its figures and asserts the promise. */
    void run(String how, Reset reset) throws Exception {
        Instant began = Instant.now();
        script.run("up", "3", "--assembly", ClusterScript.assembly().toString());
        load.install(1);
        load.install(2);

        script.cli(2, "example:stall", Integer.toString(STALL_SECONDS));
        script.cli(1, "example:load --mode unicast --rate " + RATE + " --duration " + DURATION_SECONDS + " node-2");
        int resets = 0;
        for (long at : RESET_AT_MS) {
            await("the load to reach " + at + " ms").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ExampleLoad.number(load.status(1, "unicast"), "elapsedMs") >= at);
            // The previous reset's stream may still be redialing: reset the next live one.
            sampleQueues();
            await("a live stream from node 1 to node 2 to reset").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(reset::reset);
            resets++;
        }
        sampleQueues();
        await("node 1's load to end").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Boolean.FALSE.equals(load.status(1, "unicast").get("running")));
        await("node 2's stall to end").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> Boolean.FALSE.equals(((Map<?, ?>) CommandJson.read(script.cli(2, "example:stall",
                        "--json"))).get("stalled")));
        ledgers.awaitQuiet(2, Duration.ofSeconds(60));

        Map<String, Object> sender = load.status(1, "unicast");
        Map<String, Object> lane = lane(load.received(2), "node-1", LoadSubjects.LANE_LOAD_UNICAST);
        Reconciliation.Totals totals = ledgers.reconciliation(LANES, new int[] {1, 2}, ALL).reconcile();
        long accepted = ExampleLoad.number(sender, "sent");
        long refused = ExampleLoad.number(sender, "refused");
        @SuppressWarnings("unchecked")
        Map<String, Object> byReason = (Map<String, Object>) sender.get("refusedByReason");
        long received = ExampleLoad.number(lane, "received");
        Object backlogRefused = backlogRefused();
        System.out.println("[lossless] " + how + ": " + resets + " resets of the 1-2 stream under " + RATE + "/s for "
                + DURATION_SECONDS + " s, node 2 stalled " + STALL_SECONDS + " s: node 1 accepted " + accepted
                + ", refused " + refused + " " + byReason + "; node 2 received " + received + ", gaps "
                + lane.get("gaps") + ", duplicates " + lane.get("duplicates") + ", out of order " + lane.get("outOfOrder")
                + " (its subject backlog refused " + backlogRefused + "); reconciliation " + totals + "; " + Duration.between(began, Instant.now()).toSeconds()
                + " s in all (cluster up included)");

        long bound = ((Number) ((Map<?, ?>) CommandJson.read(script.cli(1, "cluster:config", "--json")))
                .get("outbound.queue.max.bytes")).longValue();
        System.out.println("[lossless] " + how + ": node 1's figures for node 2, peaks of " + queueSamples
                + " samples (one before each reset and one at the end): " + peakQueues + "; outbound.queue.max.bytes "
                + bound);

        assertEquals("resets made", RESETS, resets);
        assertTrue("queued bytes within their bound: " + peakQueues, peakQueues.getOrDefault("queueBytes", 0L) <= bound);
        assertEquals("refusals counted by reason: " + byReason, refused,
                byReason.values().stream().mapToLong(v -> ((Number) v).longValue()).sum());
        assertEquals("node 2 received what node 1 accepted", accepted, received);
        assertEquals("gaps", 0, ExampleLoad.number(lane, "gaps"));
        assertEquals("duplicates", 0, ExampleLoad.number(lane, "duplicates"));
        assertEquals("out of order", 0, ExampleLoad.number(lane, "outOfOrder"));
        assertEquals("unexplained: " + totals, 0, totals.unexplained());
        assertTrue("every accepted message reconciled: " + totals, totals.numbered() == accepted);
    }

    /**
     * Samples node 1's per-peer figures for node 2 (cluster:stats): its queued bytes, and any figure about
     * resend bytes the session layer adds, keeping each one's peak.
     */
    private void sampleQueues() throws Exception {
        Map<?, ?> peers = (Map<?, ?>) ((Map<?, ?>) CommandJson.read(script.cli(1, "cluster:stats", "--json"))).get("peers");
        Map<?, ?> node2 = peers == null ? null : (Map<?, ?>) peers.get("node-2");
        if (node2 == null) {
            return;
        }
        queueSamples++;
        node2.forEach((name, value) -> {
            String key = String.valueOf(name);
            if (value instanceof Number number && (key.equals("queueBytes") || key.toLowerCase().contains("resend"))) {
                peakQueues.merge(key, number.longValue(), Math::max);
            }
        });
    }

    /**
     * How many test-tools messages node 2's subject backlog refused (cluster:subjects): the part of the loss
     * due to the stall rather than to the resets. Printed only; null when the figure is not there.
     */
    private Object backlogRefused() throws Exception {
        for (Object row : (List<?>) CommandJson.read(script.cli(2, "cluster:subjects", "--json"))) {
            Map<?, ?> subject = (Map<?, ?>) row;
            if (LoadSubjects.MESSAGE.equals(subject.get("subject"))) {
                return subject.get("refused");
            }
        }
        return null;
    }

    /** The ledger's lane of one sender, or a lane of zeros when nothing arrived from it. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> lane(Map<String, Object> received, String sender, String name) {
        return ((List<Map<String, Object>>) received.get("lanes")).stream()
                .filter(row -> sender.equals(row.get("sender")) && name.equals(row.get("lane"))).findFirst()
                .orElse(Map.of("received", 0L, "gaps", 0L, "duplicates", 0L, "outOfOrder", 0L));
    }
}
