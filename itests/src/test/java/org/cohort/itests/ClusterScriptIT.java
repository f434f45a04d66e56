package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.cohort.shell.CommandJson;
import org.junit.After;
import org.junit.Test;

/**
 * The user's first command, for real: {@code scripts/cluster.sh} starts three Karaf processes on
 * 127.0.0.1-3, and the shell, the logs and signals show the cluster doing what it says. The same cluster
 * then installs the example feature (a sibling bundle on the public API) and the test-tools feature, and
 * carries the example's typed messages, broadcasts and requests and the test tools' loads, so that
 * starting a cluster is paid for once.
 */
public class ClusterScriptIT {

    private final ClusterScript script = new ClusterScript("cluster-it");
    private final Path clusterDir = script.clusterDir;

    private String run(String... args) throws Exception {
        return script.run(args);
    }

    private ClusterScript.CommandResult runAllowingFailure(String... args) throws Exception {
        return script.runAllowingFailure(args);
    }

    /** cluster:nodes --json on node K: node id to [state, incarnation]. */
    private Map<String, String[]> nodes(int k) throws Exception {
        Map<String, String[]> nodes = script.nodes(k);
        assertEquals("three members in " + nodes.keySet(), 3, nodes.size());
        return nodes;
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            Path pidFile = clusterDir.resolve("node-" + k).resolve("karaf.pid");
            if (Files.exists(pidFile)) {
                pids.add(Long.parseLong(Files.readString(pidFile).trim()));
            }
        }
        return pids;
    }

    @After
    public void down() throws Exception {
        run("down");
    }

    @Test
    public void upShowsThreeActiveNodesThatTalkRunTheExampleFeatureSurviveAKillAndGoDownClean() throws Exception {
        Path tarball = ClusterScript.assembly();
        String up = run("up", "3", "--assembly", tarball.toString());
        assertTrue(up, up.contains("node-3"));

        for (int k = 1; k <= 3; k++) {
            // up returned once every node saw every member ACTIVE; a loaded CI host may still make a
            // node reconnect once, so allow a few seconds.
            int observer = k;
            await("node " + k + " sees all ACTIVE").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> nodes(observer).values().stream().allMatch(node -> "ACTIVE".equals(node[0])));
        }
        String firstIncarnation = nodes(1).get("node-2")[1];

        String marker = "hello-" + System.nanoTime();
        run("cli", "1", "cluster:send", "node-2", "cohort.diag", marker);
        await("the message in node 2's log").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> run("logs", "2").contains("Diagnostic message from node-1: " + marker));

        String ping = run("cli", "1", "cluster:ping", "-c", "3", "node-2");
        assertTrue(ping, ping.contains("3 sent, 3 received") && ping.contains("rtt min/avg/p99"));
        String withRtt = run("cli", "1", "cluster:nodes", "--json");
        assertTrue(withRtt, ((List<?>) CommandJson.read(withRtt)).stream().map(row -> (Map<?, ?>) row)
                .anyMatch(row -> "node-2".equals(row.get("id")) && row.get("lastRttMicros") instanceof Long));

        exampleAndTestToolsFeaturesInstallOnEveryNode();
        exampleMessagesArriveByUnicastAndBroadcast();
        exampleLoadsCompleteWithoutLossDuplicatesOrReordering();

        run("kill", "2");
        for (int k : new int[] {1, 3}) {
            int observer = k;
            await("node " + k + " sees node-2 INACTIVE").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "INACTIVE".equals(nodes(observer).get("node-2")[0]));
        }

        run("start", "2");
        for (int k : new int[] {1, 3}) {
            int observer = k;
            await("node " + k + " sees node-2 ACTIVE again").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "ACTIVE".equals(nodes(observer).get("node-2")[0]));
            assertNotEquals("a restart is a new incarnation", firstIncarnation, nodes(observer).get("node-2")[1]);
        }
        exampleMembershipListenerLoggedTheKillAndTheRestart();

        exampleFeatureIsBackOnTheRestartedNode();

        List<Long> pids = pids();
        assertEquals(3, pids.size());
        run("down");
        for (long pid : pids) {
            assertFalse("process " + pid + " is gone after down", ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false));
        }
    }

    // ---- the example and test-tools features ----------------------------------------------------

    private static final Duration EXAMPLE_DEADLINE = Duration.ofSeconds(30);
    private static final Pattern RETURN_OF_NODE_2 = Pattern.compile(
            "Example: node-2 is INACTIVE.*Example: node-2 is ACTIVE", Pattern.DOTALL);

    /** {@code example:received --json} on node K, parsed: the test tools' ledger. */
    private Map<?, ?> received(int k) throws Exception {
        return (Map<?, ?>) CommandJson.read(run("cli", Integer.toString(k), "example:received", "--json", "--last",
                "20"));
    }

    /** Whether node K's log shows the example's receiver logging TEXT from SENDER. */
    private boolean logged(int k, String sender, String text) throws Exception {
        return Pattern.compile("ExampleMessage #\\d+ from " + Pattern.quote(sender) + ": " + Pattern.quote(text) + "$",
                Pattern.MULTILINE).matcher(run("logs", Integer.toString(k))).find();
    }

    /** A whole number in a command's JSON: the first {@code "name"} anywhere. */
    private static long number(Object json, String name) {
        Object tree = json instanceof String text ? CommandJson.read(text) : json;
        assertTrue("no number " + name + " in " + json, ClusterScript.first(tree, name) instanceof Number);
        return ((Number) ClusterScript.first(tree, name)).longValue();
    }

    /** One lane's figures in example:received --json. */
    private static Map<?, ?> lane(Map<?, ?> received, String sender, String lane) {
        return ((List<?>) received.get("lanes")).stream().map(row -> (Map<?, ?>) row)
                .filter(row -> sender.equals(row.get("sender")) && lane.equals(row.get("lane"))).findFirst()
                .orElseThrow(() -> new AssertionError("no lane " + lane + " from " + sender + " in " + received));
    }


    /**
     * feature:install cohort-example and cohort-test-tools on every node, offline from the distribution's
     * system/ folder; then each node sends itself a message (its log shows it), a request (the example's
     * responder answers) and a one-request load (the test tools' responder answers), which proves that the
     * whiteboard handlers of both bundles are subscribed side by side.
     */
    private void exampleAndTestToolsFeaturesInstallOnEveryNode() throws Exception {
        for (int k = 1; k <= 3; k++) {
            run("cli", Integer.toString(k), "feature:install", "cohort-example");
            run("cli", Integer.toString(k), "feature:install", "cohort-test-tools");
        }
        for (int n = 1; n <= 3; n++) {
            int k = n;
            String node = Integer.toString(k);
            String self = "node-" + k;
            await("example: commands on node " + k).atMost(EXAMPLE_DEADLINE).pollInterval(Duration.ofMillis(500))
                    .until(() -> runAllowingFailure("cli", node, "example:received", "--json").exitValue() == 0
                            && runAllowingFailure("cli", node, "example:request", self, "ready").exitValue() == 0);
            String probe = "probe-" + k;
            await("node " + k + " receives its own message").atMost(EXAMPLE_DEADLINE)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        run("cli", node, "example:send", self, probe);
                        return logged(k, self, probe);
                    });
            await("node " + k + " answers its own load request").atMost(EXAMPLE_DEADLINE)
                    .pollInterval(Duration.ofMillis(500)).until(() -> number(run("cli", node, "example:load", "--mode",
                            "request", "--rate", "1", "--duration", "1", "--wait", "--json", self), "replies") == 1);
        }
        String features = run("cli", "1", "feature:list", "-i");
        assertTrue(features, features.matches("(?s).*\\bcohort-example\\b.*"));
        assertTrue(features, features.matches("(?s).*\\bcohort-test-tools\\b.*"));
    }

    private void exampleMessagesArriveByUnicastAndBroadcast() throws Exception {
        String marker = "typed-" + System.nanoTime();
        String sent = run("cli", "1", "example:send", "--json", "node-2", marker);
        Map<?, ?> sentJson = (Map<?, ?>) CommandJson.read(sent);
        assertTrue(sent, Boolean.TRUE.equals(sentJson.get("sent")) && "node-2".equals(sentJson.get("node")));
        await("node 2 logs node 1's ExampleMessage").atMost(EXAMPLE_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> logged(2, "node-1", marker));

        String everyone = "everyone-" + System.nanoTime();
        String broadcast = run("cli", "3", "example:broadcast", "--json", everyone);
        assertEquals(broadcast, List.of("node-1", "node-2"), ((Map<?, ?>) CommandJson.read(broadcast)).get("to"));
        for (int k = 1; k <= 2; k++) {
            int receiver = k;
            await("node " + k + " logs node 3's broadcast").atMost(EXAMPLE_DEADLINE)
                    .pollInterval(Duration.ofMillis(200)).until(() -> logged(receiver, "node-3", everyone));
        }
        String echo = "echo-" + System.nanoTime();
        String reply = run("cli", "1", "example:request", "--json", "node-2", echo);
        assertTrue(reply, reply.contains("\"node\":\"node-2\"") && reply.contains("\"text\":\"" + echo + "\""));
        // An unknown node is refused with its reason, as an error.
        ClusterScript.CommandResult stranger = runAllowingFailure("cli", "1", "example:send", "node-9", "hello");
        assertEquals(stranger.output(), 1, stranger.exitValue());
        assertTrue(stranger.output(), stranger.output().contains("node-9 is not a member"));
    }

    /**
     * A short request load from node 1 to node 2 gets every reply; a short unicast load from node 1 to
     * node 3 arrives whole, in order, once; no node saw a duplicate or a message out of order.
     */
    private void exampleLoadsCompleteWithoutLossDuplicatesOrReordering() throws Exception {
        String requests = run("cli", "1", "example:load", "--mode", "request", "--rate", "200", "--duration", "3",
                "--size", "1024", "--timeout-ms", "5000", "--wait", "--json", "node-2");
        assertEquals(requests, "FINISHED", ClusterScript.first(CommandJson.read(requests), "state"));
        assertEquals(requests, 600, number(requests, "sent"));
        assertEquals(requests, 600, number(requests, "replies"));
        assertEquals(requests, 0, number(requests, "failures"));
        assertTrue(requests, number(requests, "p99") > 0);
        String status = run("cli", "1", "example:load-status", "--mode", "request", "--json");
        assertEquals(status, 600, number(status, "replies"));

        String unicast = run("cli", "1", "example:load", "--mode", "unicast", "--rate", "500", "--duration", "2",
                "--wait", "--json", "node-3");
        assertEquals(unicast, 1000, number(unicast, "sent"));
        assertEquals(unicast, 0, number(unicast, "refused"));
        await("node 3 receives the whole unicast load").atMost(EXAMPLE_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> number(lane(received(3), "node-1", "load-unicast"), "received") == 1000);
        Map<?, ?> loadLane = lane(received(3), "node-1", "load-unicast");
        assertEquals(loadLane.toString(), 1, number(loadLane, "firstSeq"));
        assertEquals(loadLane.toString(), 1000, number(loadLane, "highestSeq"));
        assertEquals(loadLane.toString(), 0, number(loadLane, "gaps"));

        Map<?, ?> requestLane = lane(received(2), "node-1", "load-request");
        assertEquals(requestLane.toString(), 600, number(requestLane, "received"));
        assertEquals(requestLane.toString(), 0, number(requestLane, "gaps"));
        for (int k = 1; k <= 3; k++) {
            Map<?, ?> totals = (Map<?, ?>) received(k).get("totals");
            assertEquals("duplicates on node " + k + ": " + totals, 0L, totals.get("duplicates"));
            assertEquals("out of order on node " + k + ": " + totals, 0L, totals.get("outOfOrder"));
        }
    }

    /** The example's membership listener on nodes 1 and 3 logged node-2 going INACTIVE, then ACTIVE. */
    private void exampleMembershipListenerLoggedTheKillAndTheRestart() throws Exception {
        for (int k : new int[] {1, 3}) {
            String node = Integer.toString(k);
            await("node " + k + "'s example logs node-2's return").atMost(EXAMPLE_DEADLINE)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> RETURN_OF_NODE_2.matcher(run("logs", node)).find());
        }
    }

    /**
     * Both features stay installed across a kill: node 2 comes back with them, logs the example's messages
     * again, and its fresh ledger takes node 1's request lane where it stands without counting gaps.
     */
    private void exampleFeatureIsBackOnTheRestartedNode() throws Exception {
        String marker = "again-" + System.nanoTime();
        await("node 2 logs node 1's ExampleMessage after its restart").atMost(EXAMPLE_DEADLINE)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    run("cli", "1", "example:send", "node-2", marker);
                    return logged(2, "node-1", marker);
                });
        await("node 2 answers node 1's load request after its restart").atMost(EXAMPLE_DEADLINE)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> number(run("cli", "1",
                        "example:load", "--mode", "request", "--rate", "1", "--duration", "1", "--wait", "--json",
                        "node-2"), "replies") == 1);
        Map<?, ?> again = lane(received(2), "node-1", "load-request");
        assertTrue("the fresh ledger joins the lane where it stands: " + again, number(again, "firstSeq") > 600);
        assertEquals("a fresh ledger does not count what the old one saw as gaps: " + again, 0, number(again, "gaps"));
    }
}
