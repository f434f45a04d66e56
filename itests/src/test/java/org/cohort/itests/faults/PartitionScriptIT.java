package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cohort.itests.ClusterScript;
import org.junit.After;
import org.junit.Test;

/**
 * Network partitions on a real network: {@code scripts/cluster.sh up 3 --netns} puts each node in a
 * network namespace of its own, and {@code cut}/{@code heal} drop packets silently in the switch between
 * them, so a partition is found only by the heartbeats' silence. While the example bundle's loads keep
 * unicast, broadcast and request/reply flowing between all nodes:
 *
 * <ol>
 *   <li>node 3 is isolated for 10 s: both sides see the other INACTIVE within 2 s of the cut, nodes 1
 *       and 2 stay ACTIVE to each other, and after the heal everyone is ACTIVE again within 2 s;
 *   <li>the link between nodes 1 and 2 is cut: they see each other INACTIVE within 2 s while both still
 *       reach node 3 (which notices nothing), and are ACTIVE to each other within 2 s of the heal.
 * </ol>
 *
 * <p>Then the invariants: every request completed (reply or failure) within its timeout plus a margin,
 * none is pending; no message arrived twice or out of order per (sender, subject); every node has one
 * stream per peer and no more Cohort threads than before; no ERROR (Netty's leak reports included, with
 * leak detection at paranoid) in any log. Detection and recovery times are printed (lines starting
 * {@code PARTITION}) and checked against the bounds.
 *
 * <p>Needs root (network namespaces): run by {@code .ci/run} through {@code mvn -pl itests verify -Pnetns};
 * it fails, never skips, when the namespaces cannot be made.
 */
public class PartitionScriptIT {

    private static final int NODES = 3;
    /** The bound for detection (INACTIVE after the cut) and recovery (ACTIVE after the heal). */
    private static final long BOUND_MILLIS = 2_000;
    private static final Duration ISOLATION = Duration.ofSeconds(10);
    private static final Duration PAIR_CUT = Duration.ofSeconds(6);
    /** How long a poll waits for a transition at all; the bound is checked on the times the nodes record. */
    private static final Duration TRANSITION_DEADLINE = Duration.ofSeconds(20);
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(30);
    private static final int REQUEST_TIMEOUT_MS = 2_000;
    /** Slack past a request's timeout for its failure to be delivered on a loaded machine. */
    private static final long COMPLETION_MARGIN_MS = 1_000;
    private static final int UNICAST_RATE = 100;
    private static final int BROADCAST_RATE = 20;
    private static final int REQUEST_RATE = 50;
    /** Longer than the scenario; the loads are stopped at its end. */
    private static final int LOAD_SECONDS = 600;

    private static final Pattern NODE = Pattern.compile(
            "\\{\"id\":\"([^\"]+)\",\"address\":\"[^\"]+\",\"state\":\"(ACTIVE|INACTIVE)\",\"local\":(?:true|false),"
                    + "\"since\":(\\d+)");
    private static final Pattern IN_FORCE = Pattern.compile("(?:cut in force|healed) at (\\d+) ms");
    private static final Pattern LANE = Pattern.compile(
            "\\{\"sender\":\"([^\"]+)\",\"subject\":\"[^\"]+\",\"lane\":\"([^\"]+)\",\"epoch\"[^}]*?\"received\":(\\d+)");
    private static final Pattern TOTALS = Pattern.compile(
            "\"totals\":\\{\"received\":(\\d+),\"duplicates\":(\\d+),\"outOfOrder\":(\\d+),\"gaps\":(\\d+)");
    private static final Pattern COHORT_THREAD = Pattern.compile("\\b(cohort-[a-z-]+?)-\\d+-\\d+\\b");

    private final ClusterScript script = new ClusterScript("partition-it");
    private final ExecutorService pool = Executors.newFixedThreadPool(2 * NODES);
    private final List<String> report = new ArrayList<>();

    /** A member as one node sees it. */
    private record View(String state, long since) {
    }

    /** One expected transition: OBSERVER sees NODE in STATE, entered after the cut or heal. */
    private record Transition(int observer, int node, String state) {
        @Override
        public String toString() {
            return "node-" + observer + " sees node-" + node + " " + state;
        }
    }

    @After
    public void down() throws Exception {
        pool.shutdownNow();
        String id = netnsId();
        script.run("down");
        if (id != null) {
            String left = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
            assertFalse("down left namespaces of the run behind:\n" + left, left.contains("cohort-" + id + "-"));
        }
        report.forEach(System.out::println);
    }

    @Test
    public void isolationAndAPairCutAreDetectedAndHealWithinTwoSecondsUnderLoad() throws Exception {
        script.environment.put("EXTRA_JAVA_OPTS", "-Dio.netty.leakDetection.level=paranoid");
        // Three Karaf boots on a loaded two-core machine can take more than up's default two minutes.
        script.environment.put("COHORT_UP_TIMEOUT", "300");
        String up = script.run("up", Integer.toString(NODES), "--netns", "--assembly", ClusterScript.assembly().toString());
        assertTrue(up, up.contains("Network namespaces cohort-"));
        awaitEveryoneActive();
        installExampleEverywhere();
        startLoads();
        awaitLoadsFlowing();
        // Taken once every load flows and every node has answered a ping: a pool's threads start with its
        // first task (a whiteboard handler's with its first message, the ping responder's with its first
        // ping), so only now is every pool the scenario uses at its working size.
        onEveryNode(k -> script.cli(k, "cluster:ping", "-c", "1", "node-" + (k % NODES + 1)));
        Map<Integer, Map<String, Integer>> threadsBefore = onEveryNode(this::cohortThreads);

        isolateNodeThreeForTenSeconds();
        cutNodesOneAndTwo();

        awaitEveryoneActive();
        awaitLoadsFlowing();
        stopLoadsAndCheckRequestsCompleted();
        checkNoDuplicatesOrReordering();
        checkOneStreamPerPeer();
        checkNoMoreThreads(threadsBefore);
        checkLogsHaveNoErrors();
    }

    // ---- the scenario ---------------------------------------------------------------------------

    private void isolateNodeThreeForTenSeconds() throws Exception {
        Map<Integer, Map<Integer, View>> before = views();
        long cutAt = inForceAt(script.run("cut", "3"));
        List<Transition> lost = List.of(new Transition(1, 3, "INACTIVE"), new Transition(2, 3, "INACTIVE"),
                new Transition(3, 1, "INACTIVE"), new Transition(3, 2, "INACTIVE"));
        Map<Transition, Long> detection = awaitTransitions(lost, cutAt);
        record("isolate node-3", "detection", detection);
        assertUnchanged(before, List.of(new int[] {1, 2}, new int[] {2, 1}), "while node-3 is isolated");
        checkRequestsBoundedWhileCut(1);
        checkRequestsBoundedWhileCut(3);

        sleepUntil(cutAt + ISOLATION.toMillis());
        assertStillIn(lost, cutAt, "at the end of the isolation");
        long healAt = inForceAt(script.run("heal"));
        Map<Transition, Long> recovery = awaitTransitions(List.of(new Transition(1, 3, "ACTIVE"),
                new Transition(2, 3, "ACTIVE"), new Transition(3, 1, "ACTIVE"), new Transition(3, 2, "ACTIVE")), healAt);
        record("isolate node-3", "recovery", recovery);
        assertUnchanged(before, List.of(new int[] {1, 2}, new int[] {2, 1}), "after node-3's isolation");
        assertWithinBound("isolate node-3: detection", detection);
        assertWithinBound("isolate node-3: recovery", recovery);
    }

    private void cutNodesOneAndTwo() throws Exception {
        Map<Integer, Map<Integer, View>> before = views();
        List<int[]> untouched = List.of(new int[] {1, 3}, new int[] {2, 3}, new int[] {3, 1}, new int[] {3, 2});
        long cutAt = inForceAt(script.run("cut", "1", "2"));
        List<Transition> lost = List.of(new Transition(1, 2, "INACTIVE"), new Transition(2, 1, "INACTIVE"));
        Map<Transition, Long> detection = awaitTransitions(lost, cutAt);
        record("cut node-1/node-2", "detection", detection);
        // Both still reach the third node, by request/reply.
        for (int k = 1; k <= 2; k++) {
            String ping = script.cli(k, "cluster:ping", "-c", "3", "node-3");
            assertTrue("node-" + k + " reaches node-3 during the 1/2 cut: " + ping, ping.contains("3 sent, 3 received"));
        }
        sleepUntil(cutAt + PAIR_CUT.toMillis());
        assertStillIn(lost, cutAt, "at the end of the 1/2 cut");
        assertUnchanged(before, untouched, "during the 1/2 cut");
        long healAt = inForceAt(script.run("heal", "1", "2"));
        Map<Transition, Long> recovery = awaitTransitions(
                List.of(new Transition(1, 2, "ACTIVE"), new Transition(2, 1, "ACTIVE")), healAt);
        record("cut node-1/node-2", "recovery", recovery);
        assertUnchanged(before, untouched, "after the 1/2 cut");
        assertWithinBound("cut node-1/node-2: detection", detection);
        assertWithinBound("cut node-1/node-2: recovery", recovery);
    }

    // ---- membership views -----------------------------------------------------------------------

    /** cluster:nodes --json on node K: member number to its view. */
    private Map<Integer, View> view(int k) throws Exception {
        String json = script.cli(k, "cluster:nodes", "--json");
        Map<Integer, View> views = new TreeMap<>();
        Matcher matcher = NODE.matcher(json);
        while (matcher.find()) {
            views.put(Integer.parseInt(matcher.group(1).substring("node-".length())),
                    new View(matcher.group(2), Long.parseLong(matcher.group(3))));
        }
        assertEquals("members in " + json, NODES, views.size());
        return views;
    }

    private Map<Integer, Map<Integer, View>> views() throws Exception {
        return onEveryNode(this::view);
    }

    private void awaitEveryoneActive() throws Exception {
        onEveryNode(k -> {
            await("node-" + k + " sees every member ACTIVE").atMost(SETTLE_DEADLINE).pollInterval(Duration.ofMillis(300))
                    .until(() -> view(k).values().stream().allMatch(v -> "ACTIVE".equals(v.state())));
            return null;
        });
    }

    /**
     * Waits until each transition has happened (its state entered after EVENT_AT), each observer polled in
     * parallel; returns how long after EVENT_AT each observer recorded it.
     */
    private Map<Transition, Long> awaitTransitions(List<Transition> transitions, long eventAt) throws Exception {
        Map<Integer, List<Transition>> byObserver = new TreeMap<>();
        transitions.forEach(t -> byObserver.computeIfAbsent(t.observer(), o -> new ArrayList<>()).add(t));
        Map<Integer, Future<Map<Transition, Long>>> futures = new TreeMap<>();
        byObserver.forEach((observer, expected) -> futures.put(observer, pool.submit(() -> {
            Map<Transition, Long> took = new LinkedHashMap<>();
            await(expected.toString()).atMost(TRANSITION_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<Integer, View> now = view(observer);
                for (Transition t : expected) {
                    View v = now.get(t.node());
                    if (!t.state().equals(v.state()) || v.since() < eventAt) {
                        return false;
                    }
                    took.put(t, v.since() - eventAt);
                }
                return true;
            });
            return took;
        })));
        Map<Transition, Long> all = new LinkedHashMap<>();
        for (Future<Map<Transition, Long>> future : futures.values()) {
            all.putAll(future.get());
        }
        return all;
    }

    /** Each transition still holds, entered once only (no flapping, nothing leaked through the cut). */
    private void assertStillIn(List<Transition> transitions, long eventAt, String when) throws Exception {
        Map<Integer, Map<Integer, View>> now = views();
        for (Transition t : transitions) {
            View v = now.get(t.observer()).get(t.node());
            assertEquals(t + " " + when, t.state(), v.state());
            assertTrue(t + " " + when + ": entered after the event", v.since() >= eventAt);
        }
    }

    /** The given (observer, node) pairs are ACTIVE and have not changed state since BEFORE. */
    private void assertUnchanged(Map<Integer, Map<Integer, View>> before, List<int[]> pairs, String when)
            throws Exception {
        Map<Integer, Map<Integer, View>> now = views();
        for (int[] pair : pairs) {
            View was = before.get(pair[0]).get(pair[1]);
            View is = now.get(pair[0]).get(pair[1]);
            assertEquals("node-" + pair[0] + " sees node-" + pair[1] + " " + when, "ACTIVE", is.state());
            assertEquals("node-" + pair[0] + " saw node-" + pair[1] + " change state " + when, was.since(), is.since());
        }
    }

    private void record(String scenario, String what, Map<Transition, Long> times) {
        long max = times.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        StringBuilder line = new StringBuilder("PARTITION " + scenario + ": " + what + " max " + max + " ms (");
        String separator = "";
        for (Map.Entry<Transition, Long> entry : times.entrySet()) {
            line.append(separator).append(entry.getKey()).append(" after ").append(entry.getValue()).append(" ms");
            separator = ", ";
        }
        report.add(line.append(")").toString());
        System.out.println(report.get(report.size() - 1));
    }

    private void assertWithinBound(String what, Map<Transition, Long> times) {
        times.forEach((transition, millis) -> assertTrue(what + ": " + transition + " after " + millis
                + " ms, over the bound of " + BOUND_MILLIS + " ms", millis <= BOUND_MILLIS));
    }

    private static long inForceAt(String output) {
        Matcher matcher = IN_FORCE.matcher(output);
        assertTrue("no time in force in: " + output, matcher.find());
        return Long.parseLong(matcher.group(1));
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    // ---- the example feature and its loads -------------------------------------------------------

    private void installExampleEverywhere() throws Exception {
        onEveryNode(k -> {
            script.cli(k, "feature:install", "cohort-example");
            await("example: commands on node-" + k).atMost(SETTLE_DEADLINE).pollInterval(Duration.ofMillis(500))
                    .until(() -> script.runAllowingFailure("cli", Integer.toString(k), "example:received", "--json")
                            .exitValue() == 0);
            // Its own request answered: its whiteboard handlers are subscribed.
            await("node-" + k + " answers its own request").atMost(SETTLE_DEADLINE).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> ClusterScript.number(script.cli(k, "example:load", "--mode", "request",
                            "--rate", "1", "--duration", "1", "--wait", "--json", "node-" + k), null, "replies") == 1);
            return null;
        });
    }

    /** On every node, a unicast and a request load to every other member, and a broadcast load. */
    private void startLoads() throws Exception {
        onEveryNode(k -> {
            script.cli(k, "example:load", "--mode", "unicast", "--rate", Integer.toString(UNICAST_RATE), "--duration",
                    Integer.toString(LOAD_SECONDS));
            script.cli(k, "example:load", "--mode", "broadcast", "--rate", Integer.toString(BROADCAST_RATE),
                    "--duration", Integer.toString(LOAD_SECONDS));
            script.cli(k, "example:load", "--mode", "request", "--rate", Integer.toString(REQUEST_RATE), "--duration",
                    Integer.toString(LOAD_SECONDS), "--timeout-ms", Integer.toString(REQUEST_TIMEOUT_MS));
            return null;
        });
    }

    /** Received load messages per (sender, lane) on node K. */
    private Map<String, Long> lanes(int k) throws Exception {
        String json = script.cli(k, "example:received", "--json", "--last", "0");
        Map<String, Long> lanes = new TreeMap<>();
        Matcher matcher = LANE.matcher(json);
        while (matcher.find()) {
            if (matcher.group(2).startsWith("load-")) {
                lanes.put(matcher.group(1) + "/" + matcher.group(2), Long.parseLong(matcher.group(3)));
            }
        }
        return lanes;
    }

    /** Every node keeps receiving every load lane (unicast, broadcast, request) from every other node. */
    private void awaitLoadsFlowing() throws Exception {
        Map<Integer, Map<String, Long>> before = onEveryNode(this::lanes);
        onEveryNode(k -> {
            await("node-" + k + " receives every load from every other node").atMost(SETTLE_DEADLINE)
                    .pollInterval(Duration.ofMillis(500)).until(() -> {
                        Map<String, Long> now = lanes(k);
                        for (int sender = 1; sender <= NODES; sender++) {
                            for (String lane : List.of("load-unicast", "load-broadcast", "load-request")) {
                                String key = "node-" + sender + "/" + lane;
                                if (sender != k && now.getOrDefault(key, 0L) <= before.get(k).getOrDefault(key, 0L)) {
                                    return false;
                                }
                            }
                        }
                        return true;
                    });
            return null;
        });
    }

    /**
     * While a cut holds, the requests waiting for an answer on node K stay below what the rate can send in
     * a timeout plus the margin: those to an unreachable node fail (at once, or at their timeout) rather
     * than pile up.
     */
    private void checkRequestsBoundedWhileCut(int k) throws Exception {
        String status = script.cli(k, "example:load-status", "--mode", "request", "--json");
        long inFlight = ClusterScript.number(status, null, "inFlight");
        long bound = REQUEST_RATE * (REQUEST_TIMEOUT_MS + COMPLETION_MARGIN_MS) / 1000;
        report.add("PARTITION requests in flight on node-" + k + " during the isolation: " + inFlight + " (bound " + bound
                + ")");
        assertTrue("node-" + k + " has " + inFlight + " requests in flight during a cut, over " + bound + ": " + status,
                inFlight <= bound);
    }

    /**
     * Stops every load; once the request timeout plus the margin has passed, no request is still waiting:
     * each got its reply or its failure within its timeout (plus the margin).
     */
    private void stopLoadsAndCheckRequestsCompleted() throws Exception {
        Map<Integer, Long> stoppedAt = onEveryNode(k -> {
            script.cli(k, "example:load-stop");
            return System.currentTimeMillis();
        });
        onEveryNode(k -> {
            sleepUntil(stoppedAt.get(k) + REQUEST_TIMEOUT_MS + COMPLETION_MARGIN_MS);
            String status = script.cli(k, "example:load-status", "--mode", "request", "--json");
            report.add("PARTITION request load of node-" + k + ": sent " + ClusterScript.number(status, null, "sent")
                    + ", replies " + ClusterScript.number(status, null, "replies") + ", failures "
                    + ClusterScript.number(status, null, "failures") + " " + failuresByType(status));
            assertFalse("node-" + k + "'s request load still running after its stop: " + status,
                    status.contains("\"running\":true"));
            assertEquals("node-" + k + ": requests still pending " + (REQUEST_TIMEOUT_MS + COMPLETION_MARGIN_MS)
                    + " ms after the load stopped: " + status, 0, ClusterScript.number(status, null, "inFlight"));
            assertEquals("node-" + k + ": sent = replies + failures: " + status,
                    ClusterScript.number(status, null, "sent"),
                    ClusterScript.number(status, null, "replies") + ClusterScript.number(status, null, "failures"));
            return null;
        });
    }

    private static String failuresByType(String status) {
        Matcher matcher = Pattern.compile("\"failuresByType\":(\\{[^}]*\\})").matcher(status);
        return matcher.find() ? matcher.group(1) : "";
    }

    // ---- invariants ------------------------------------------------------------------------------

    private void checkNoDuplicatesOrReordering() throws Exception {
        onEveryNode(k -> {
            String received = script.cli(k, "example:received", "--json", "--last", "0");
            Matcher totals = TOTALS.matcher(received);
            assertTrue(received, totals.find());
            report.add("PARTITION node-" + k + " received " + totals.group(1) + " messages: duplicates " + totals.group(2)
                    + ", out of order " + totals.group(3) + ", gaps " + totals.group(4) + " (lost with the cut streams)");
            assertEquals("duplicates on node-" + k + ": " + totals.group(), "0", totals.group(2));
            assertEquals("out of order on node-" + k + ": " + totals.group(), "0", totals.group(3));
            return null;
        });
    }

    /** Each node ends with exactly one admitted stream per peer, every peer connected. */
    private void checkOneStreamPerPeer() throws Exception {
        onEveryNode(k -> {
            await("node-" + k + " has one stream per peer").atMost(SETTLE_DEADLINE).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String stats = script.cli(k, "cluster:stats", "--json");
                        long open = ClusterScript.number(stats, "node", "streamsOpened")
                                - ClusterScript.number(stats, "node", "streamsClosed");
                        int connected = count(stats, "\"connected\":true");
                        return open == NODES - 1 && connected == NODES - 1;
                    });
            return null;
        });
    }

    /** Cohort's threads on node K by pool name (without the pool and thread numbers). */
    private Map<String, Integer> cohortThreads(int k) throws Exception {
        String threads = script.cli(k, "threads", "--list");
        Map<String, Integer> pools = new TreeMap<>();
        Matcher matcher = COHORT_THREAD.matcher(threads);
        while (matcher.find()) {
            pools.merge(matcher.group(1), 1, Integer::sum);
        }
        assertFalse("no cohort- threads in threads --list on node-" + k + ":\n" + threads, pools.isEmpty());
        return pools;
    }

    /**
     * No pool has more threads than before the scenario, except the IO pool, which starts its threads as
     * streams need them, up to io.workers.
     */
    private void checkNoMoreThreads(Map<Integer, Map<String, Integer>> before) throws Exception {
        Map<Integer, Map<String, Integer>> after = onEveryNode(this::cohortThreads);
        for (int k = 1; k <= NODES; k++) {
            report.add("PARTITION node-" + k + " Cohort threads before " + before.get(k) + ", after " + after.get(k));
            int workers = Integer.parseInt(ClusterScript.text(script.cli(k, "cluster:config", "--json")
                    .replaceAll("\"io\\.workers\":(\\d+)", "\"io.workers\":\"$1\""), "io.workers"));
            for (Map.Entry<String, Integer> pool : after.get(k).entrySet()) {
                int limit = pool.getKey().equals("cohort-io") ? workers : before.get(k).getOrDefault(pool.getKey(), 0);
                assertTrue("node-" + k + " has " + pool.getValue() + " " + pool.getKey() + " threads, before "
                        + before.get(k) + ", after " + after.get(k), pool.getValue() <= limit);
            }
        }
    }

    private void checkLogsHaveNoErrors() throws Exception {
        for (int k = 1; k <= NODES; k++) {
            Path log = script.clusterDir.resolve("node-" + k).resolve("data/log/karaf.log");
            List<String> bad = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.contains("| ERROR |") || line.contains("LEAK:")) {
                    bad.add(line);
                }
            }
            assertTrue("node-" + k + " logged errors:\n" + String.join("\n", bad), bad.isEmpty());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private interface NodeCall<T> {
        T call(int k) throws Exception;
    }

    /** The call on every node at once (a shell command takes a second on a loaded machine). */
    private <T> Map<Integer, T> onEveryNode(NodeCall<T> call) throws Exception {
        Map<Integer, Future<T>> futures = new TreeMap<>();
        for (int k = 1; k <= NODES; k++) {
            int node = k;
            Callable<T> task = () -> call.call(node);
            futures.put(k, pool.submit(task));
        }
        Map<Integer, T> results = new TreeMap<>();
        for (Map.Entry<Integer, Future<T>> entry : futures.entrySet()) {
            try {
                results.put(entry.getKey(), entry.getValue().get(5, TimeUnit.MINUTES));
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }
        return results;
    }

    private static int count(String text, String what) {
        int count = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            count++;
        }
        return count;
    }

    /** The run's namespace id from the cluster folder's .netns, if 'up --netns' got that far. */
    private String netnsId() throws Exception {
        Path state = script.clusterDir.resolve(".netns");
        if (!Files.exists(state)) {
            return null;
        }
        for (String line : Files.readAllLines(state)) {
            if (line.startsWith("id=")) {
                return line.substring(3);
            }
        }
        return null;
    }
}
