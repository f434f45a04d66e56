package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * An operator grows and shrinks a running cluster by configuration alone ({@code cluster.sh add} and
 * {@code remove}, which go through ConfigAdmin), and a bad edit leaves a node on its old configuration
 * saying why.
 */
public class LiveMembershipScriptIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ClusterScript script = new ClusterScript("live-membership-it");

    @After
    public void down() throws Exception {
        script.run("down");
    }

    private long reconnectsOfOneToTwo() throws Exception {
        return ClusterScript.number(script.cli(1, "cluster:stats", "--json"), "node-2", "reconnects");
    }

    private long streamsOpenedOnOne() throws Exception {
        return ClusterScript.number(script.cli(1, "cluster:stats", "--json"), "node", "streamsOpened");
    }

    private boolean allActive(int observer, int members) throws Exception {
        Map<String, String[]> nodes = script.nodes(observer);
        return nodes.size() == members && nodes.values().stream().allMatch(node -> "ACTIVE".equals(node[0]));
    }

    @Test
    public void aRunningClusterGrowsToThreeAndShrinksBackByConfigurationAlone() throws Exception {
        script.run("up", "2", "--assembly", ClusterScript.assembly().toString());
        await().atMost(WAIT).until(() -> allActive(1, 2) && allActive(2, 2));
        long reconnects = reconnectsOfOneToTwo();
        String incarnationOfTwo = script.nodes(1).get("node-2")[1];

        String added = script.run("add");
        assertTrue(added, added.contains("node-3 added") && added.contains("no running node was restarted"));
        for (int k = 1; k <= 3; k++) {
            int observer = k;
            await("node " + k + " sees three ACTIVE").atMost(WAIT).until(() -> allActive(observer, 3));
        }
        String marker = "hello-" + System.nanoTime();
        script.cli(1, "cluster:send", "node-3", "cohort.diag", marker);
        await("the message in node 3's log").atMost(WAIT)
                .until(() -> script.run("logs", "3").contains("Diagnostic message from node-1: " + marker));
        assertTrue(script.cli(1, "cluster:config").contains("node-3@127.0.0.3:" + script.portBase));

        String removed = script.run("remove", "3");
        assertTrue(removed, removed.contains("node-3 removed"));
        for (int k = 1; k <= 2; k++) {
            int observer = k;
            await("node " + k + " no longer lists node-3").atMost(WAIT).until(() -> allActive(observer, 2));
            assertFalse(script.nodes(k).containsKey("node-3"));
        }

        // The stream between the nodes that stayed never dropped: same incarnation, no reconnect.
        assertEquals(reconnects, reconnectsOfOneToTwo());
        assertEquals(incarnationOfTwo, script.nodes(1).get("node-2")[1]);
        String log = script.run("logs", "1");
        assertTrue(log, log.contains("applying it live"));
        assertFalse(log, log.contains("restarting cluster I/O"));
    }

    @Test
    public void eachBadEditLeavesTheNodeOnItsOldConfigurationAndSaysWhy() throws Exception {
        script.run("up", "2", "--assembly", ClusterScript.assembly().toString());
        await().atMost(WAIT).until(() -> allActive(1, 2));
        String before = script.cli(1, "cluster:config", "--json").trim();
        String members = ClusterScript.text(before, "members");
        long opened = streamsOpenedOnOne();
        int port = script.portBase;
        String[][] badEdits = {
            {"members", "node-1@127.0.0.1:" + port + ",node-2@127.0.0.2:" + port + ",node-2@127.0.0.3:" + port,
                "duplicate"},
            {"members", "node-1@127.0.0.1:" + port + ",node-2@127.0.0.300:" + port, "127.0.0.300"},
            {"connect.timeout.ms", "-5", "10..60000"},
        };

        for (String[] edit : badEdits) {
            script.cli(1, "config:property-set", "-p", "org.cohort.cluster", edit[0], "\"" + edit[1] + "\"");

            await("refusal of " + edit[0] + " = " + edit[1]).atMost(WAIT)
                    .until(() -> script.cli(1, "cluster:config").contains("Pending, refused: " + edit[0]));
            String shown = script.cli(1, "cluster:config");
            assertTrue(shown, shown.contains(edit[2]));
            assertEquals("the configuration in force is unchanged", before,
                    script.cli(1, "cluster:config", "--json").trim());
            String log = script.run("logs", "1");
            assertTrue(log, log.contains(edit[0] + " = '" + edit[1] + "' refused")
                    && log.contains("keeping the running configuration"));

            // back to the value in force: nothing is pending any more
            String good = edit[0].equals("members") ? members
                    : Long.toString(ClusterScript.number(before, null, edit[0]));
            script.cli(1, "config:property-set", "-p", "org.cohort.cluster", edit[0], "\"" + good + "\"");
            await().atMost(WAIT).until(() -> !script.cli(1, "cluster:config").contains("Pending"));
        }

        assertTrue(allActive(1, 2));
        assertEquals("no stream was dropped", opened, streamsOpenedOnOne());
    }
}
