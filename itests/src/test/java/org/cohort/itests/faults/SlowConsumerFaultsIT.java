package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cohort.itests.ClusterScript;
import org.cohort.shell.CommandJson;
import org.junit.After;
import org.junit.Test;

/**
 * Scenario 5 (-Pfaults): a slow consumer. Node 3's test-tools handlers block for 20 s ({@code example:stall
 * 20}) while nodes 1 and 2 send it unicasts as fast as their load allows, on top of every node's usual
 * load. The senders' heap stays bounded (its peak is sampled with jstat and printed), node 3 refuses what
 * its subjects' backlogs cannot hold and counts it, the requests to it fail in time, heartbeats keep every
 * node ACTIVE, and traffic to node 3 resumes once its handlers do.
 */
public class SlowConsumerFaultsIT {

    private static final int[] ALL = {1, 2, 3};
    private static final int STALL_SECONDS = 20;
    /** Each sender's unicast rate to node 3 while it stalls: more than node 3's backlog holds in 20 s. */
    private static final int FLOOD_RATE = 5_000;
    private static final int FLOOD_SIZE = 1_024;
    /** Karaf's heap limit in cluster.sh (-Xmx512M). */
    private static final long MAX_HEAP_KIB = 512 * 1024;
    /** The subjects of the test tools' one-way load and request load. */
    private static final String MESSAGE = "cohort.testtools.message";
    private static final String ECHO = "cohort.testtools.echo";

    private final ClusterScript script = new ClusterScript("faults-slow-consumer-it");
    private final ExampleLoad load = new ExampleLoad(script);

    @After
    public void down() throws Exception {
        script.run("down");
    }

    private static void report(String line) {
        System.out.println("[faults] " + line);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> subject(int k, String subject) throws Exception {
        List<Map<String, Object>> rows = (List<Map<String, Object>>) CommandJson.read(script.cli(k, "cluster:subjects",
                "--json"));
        return rows.stream().filter(row -> subject.equals(row.get("subject"))).findFirst().orElseThrow();
    }

    private long receivedFrom(int k, String sender, String lane) throws Exception {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lanes = (List<Map<String, Object>>) load.received(k).get("lanes");
        return lanes.stream().filter(l -> sender.equals(l.get("sender")) && lane.equals(l.get("lane")))
                .mapToLong(l -> ExampleLoad.number(l, "received")).sum();
    }

    @Test
    public void aNodeWhoseHandlersBlockRefusesWhatItCannotHoldWhileEveryoneStaysActiveAndBounded()
            throws Exception {
        script.run("up", "3", "--assembly", ClusterScript.assembly().toString());
        for (int k : ALL) {
            load.install(k);
            load.start(k);
        }
        await("traffic to node 3").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> receivedFrom(3, "node-1", "load-unicast") > 0);

        List<NodeProcess> nodes = new ArrayList<>();
        List<HeapSampler> heaps = new ArrayList<>();
        for (int k : ALL) {
            NodeProcess process = NodeProcess.of(script, k);
            process.fullGc();
            nodes.add(process);
        }
        Map<Integer, Long> heapBefore = new LinkedHashMap<>();
        for (int k : ALL) {
            heapBefore.put(k, nodes.get(k - 1).heapUsedKiB());
            heaps.add(new HeapSampler(nodes.get(k - 1).pid()));
        }
        long refusedBefore = ExampleLoad.number(subject(3, MESSAGE), "refused");

        // The flood: nodes 1 and 2 send node 3 unicasts as fast as the load goes, in place of their usual
        // unicast load; node 3's handlers then block.
        for (int k : new int[] {1, 2}) {
            script.cli(k, "example:load-stop --mode unicast; example:load --mode unicast --rate " + FLOOD_RATE
                    + " --duration " + (STALL_SECONDS + 10) + " --size " + FLOOD_SIZE + " node-3");
        }
        Instant stalled = Instant.now();
        script.cli(3, "example:stall", Integer.toString(STALL_SECONDS));
        await("the stall ends").atMost(Duration.ofSeconds(STALL_SECONDS + 30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Boolean.FALSE.equals(((Map<String, Object>) CommandJson.read(script.cli(3, "example:stall",
                        "--json"))).get("stalled")));
        Instant released = Instant.now();
        Map<String, Object> stall = asMap(CommandJson.read(script.cli(3, "example:stall", "--json")));
        Map<String, Object> backlog = subject(3, MESSAGE);
        Map<String, Object> echo = subject(3, ECHO);

        // Traffic resumes: node 3 takes node 1's broadcasts (the flood may be over by now) and answers
        // node 1's requests again.
        long broadcastsAfter = receivedFrom(3, "node-1", "load-broadcast");
        long repliesAfter = receivedFrom(1, "node-3", "echo-reply");
        await("node 3 takes messages again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> receivedFrom(3, "node-1", "load-broadcast") > broadcastsAfter
                        && receivedFrom(1, "node-3", "echo-reply") > repliesAfter);
        Instant resumed = Instant.now();

        Map<Integer, Long> peaks = new LinkedHashMap<>();
        for (int k : ALL) {
            heaps.get(k - 1).close();
            peaks.put(k, heaps.get(k - 1).peakKiB());
        }
        Map<String, Object> flood1 = load.status(1, "unicast");
        Map<String, Object> requests1 = load.status(1, "request");
        report("slow consumer: node-3 stalled " + STALL_SECONDS + " s; stall figures " + stall);
        report("slow consumer: node-3 " + MESSAGE + " " + backlog + "; " + ECHO + " " + echo);
        report("slow consumer: node-1 flood to node-3: sent " + flood1.get("sent") + " at " + flood1.get("sentPerSecond")
                + "/s, refused " + flood1.get("refusedByReason") + "; node-1 requests: failures "
                + requests1.get("failuresByType"));
        report("slow consumer: heap after full GC before (KiB) " + heapBefore + ", peak during (KiB) " + peaks
                + " (of " + MAX_HEAP_KIB + "); traffic resumed " + MembershipClock.millis(released, resumed)
                + " ms after the stall ended (poll resolution ~1 s)");

        // Heartbeats kept everyone ACTIVE: no node logged any transition since the stall began.
        for (int k : ALL) {
            List<NodeLog.Transition> changes = NodeLog.read(script.log(k)).transitions().stream()
                    .filter(t -> !t.time().isBefore(stalled)).toList();
            assertEquals("node " + k + " saw no membership change during the stall: " + changes, List.of(), changes);
        }
        assertTrue("node 3 refused messages while stalled: " + backlog,
                ExampleLoad.number(backlog, "refused") > refusedBefore);
        for (int k : ALL) {
            assertTrue("node " + k + "'s heap peak " + peaks.get(k) + " KiB stays below 90% of its limit",
                    peaks.get(k) < MAX_HEAP_KIB * 9 / 10);
            assertTrue("node " + k + "'s heap was sampled", heaps.get(k - 1).samples() > 10);
        }
        report(new FaultInvariants(script).check(ALL));
        for (int k : ALL) {
            NodeProcess process = NodeProcess.of(script, k);
            process.fullGc();
            long after = process.heapUsedKiB();
            report("slow consumer: node-" + k + " heap after full GC, after the scenario: " + after + " KiB (before "
                    + heapBefore.get(k) + ")");
            assertTrue("node " + k + " holds nothing of the flood after it: " + after + " KiB vs " + heapBefore.get(k),
                    after < heapBefore.get(k) + 32 * 1024);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object json) {
        return (Map<String, Object>) json;
    }
}
