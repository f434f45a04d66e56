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
import org.awaitility.core.ConditionTimeoutException;
import org.cohort.itests.ClusterScript;
import org.junit.After;
import org.junit.Test;

/**
 * Network partitions on a real network: {@code scripts/cluster.sh up 3 --netns} puts each node in a
 * network namespace of its own, and {@code cut}/{@code heal} drop packets silently in the switch between
 * them, so a partition is found only by the heartbeats' silence. While the test tools' loads keep
 * unicast, broadcast and request/reply flowing between all nodes:
 *
 * <ol>
 *   <li>node 3 is isolated for 10 s: both sides see the other INACTIVE within 2 s of the cut, nodes 1
 *       and 2 stay ACTIVE to each other, and after the heal everyone is ACTIVE again within 2 s;
 *   <li>the link between nodes 1 and 2 is cut: they see each other INACTIVE within 2 s while both still
 *       reach node 3 (which notices nothing), and are ACTIVE to each other within 2 s of the heal.
 * </ol>
 *
 * <p>While each cut holds, no request waits longer than its timeout plus a second. Then the fault
 * suite's invariants ({@link FaultInvariants}): every request completed (reply or documented failure)
 * within its timeout plus the margin, none is pending; nothing arrived twice or out of order per
 * (sender, subject); one cluster stream per pair; no Netty leak report (leak detection at paranoid) and no
 * unexpected ERROR in any log; and here, no Cohort thread pool larger than before the cuts. Detection and
 * recovery times are printed (lines starting {@code PARTITION}) and checked against the bounds.
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
    private static final int[] ALL = {1, 2, 3};

    private static final Pattern NODE = Pattern.compile(
            "\\{\"id\":\"([^\"]+)\",\"address\":\"[^\"]+\",\"state\":\"(ACTIVE|INACTIVE)\",\"local\":(?:true|false),"
                    + "\"since\":(\\d+)");
    private static final Pattern IN_FORCE = Pattern.compile("(?:cut in force|healed) at \\d+ ms \\(applied from (\\d+) ms\\)");
    private static final Pattern LANE = Pattern.compile(
            "\\{\"sender\":\"([^\"]+)\",\"subject\":\"[^\"]+\",\"lane\":\"([^\"]+)\",\"epoch\"[^}]*?\"received\":(\\d+)");
    private static final Pattern COHORT_THREAD = Pattern.compile("\\b(cohort-[a-z-]+?)-\\d+-\\d+\\b");

    // Three Karaf boots on a loaded two-core machine can take more than up's default two minutes.
    private final ClusterScript script = new ClusterScript("partition-it")
            .withEnvironment("EXTRA_JAVA_OPTS", "-Dio.netty.leakDetection.level=paranoid");
    private final ExampleLoad load = new ExampleLoad(script);
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
        String id = netnsState("id");
        script.run("down");
        if (id != null) {
            String left = new String(new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
            assertFalse("down left namespaces of the run behind:\n" + left, left.contains("cohort-" + id + "-"));
        }
        report.forEach(System.out::println);
    }

    @Test
    public void isolationAndAPairCutAreDetectedAndHealWithinTwoSecondsUnderLoad() throws Exception {
        String up = script.run("up", Integer.toString(NODES), "--netns", "--assembly", ClusterScript.assembly().toString());
        assertTrue(up, up.contains("Network namespaces cohort-"));
        awaitEveryoneActive();
        onEveryNode(k -> {
            load.install(k);
            load.start(k);
            return null;
        });
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
        String prefix = netnsState("prefix");
        report.add("PARTITION invariants:\n" + new FaultInvariants(script).addresses(k -> prefix + "." + k).check(ALL));
        checkNoMoreThreads(threadsBefore);
    }

    // ---- the scenario ---------------------------------------------------------------------------

    private void isolateNodeThreeForTenSeconds() throws Exception {
        awaitEveryoneActive();
        Map<Integer, Map<Integer, View>> before = views();
        long cutAt = inForceAt(script.run("cut", "3"));
        List<Transition> lost = List.of(new Transition(1, 3, "INACTIVE"), new Transition(2, 3, "INACTIVE"),
                new Transition(3, 1, "INACTIVE"), new Transition(3, 2, "INACTIVE"));
        Map<Transition, Long> detection = awaitTransitions(lost, cutAt);
        record("isolate node-3", "detection", detection);
        report.add("PARTITION during the isolation: " + starvation());
        assertUnchanged(before, List.of(new int[] {1, 2}, new int[] {2, 1}), "while node-3 is isolated");
        checkNoRequestOverdue(1);
        checkNoRequestOverdue(3);

        holdCut(lost, before, List.of(new int[] {1, 2}, new int[] {2, 1}), cutAt + ISOLATION.toMillis(),
                "node-3's isolation holds");
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
        awaitEveryoneActive();
        Map<Integer, Map<Integer, View>> before = views();
        List<int[]> untouched = List.of(new int[] {1, 3}, new int[] {2, 3}, new int[] {3, 1}, new int[] {3, 2});
        long cutAt = inForceAt(script.run("cut", "1", "2"));
        List<Transition> lost = List.of(new Transition(1, 2, "INACTIVE"), new Transition(2, 1, "INACTIVE"));
        Map<Transition, Long> detection = awaitTransitions(lost, cutAt);
        record("cut node-1/node-2", "detection", detection);
        report.add("PARTITION during the 1/2 cut: " + starvation());
        // Both still reach the third node, by request/reply.
        for (int k = 1; k <= 2; k++) {
            String ping = script.cli(k, "cluster:ping", "-c", "3", "node-3");
            assertTrue("node-" + k + " reaches node-3 during the 1/2 cut: " + ping, ping.contains("3 sent, 3 received"));
        }
        checkNoRequestOverdue(1);
        checkNoRequestOverdue(2);
        holdCut(lost, before, untouched, cutAt + PAIR_CUT.toMillis(), "the 1/2 cut holds");
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
            Map<Integer, View> last = new TreeMap<>();
            try {
                await(expected.toString()).atMost(TRANSITION_DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Map<Integer, View> now = view(observer);
                    last.putAll(now);
                    for (Transition t : expected) {
                        View v = now.get(t.node());
                        if (!t.state().equals(v.state()) || v.since() < eventAt) {
                            return false;
                        }
                        took.put(t, v.since() - eventAt);
                    }
                    return true;
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(expected + " (entered after " + eventAt + ") not seen within "
                        + TRANSITION_DEADLINE.toSeconds() + " s; node-" + observer + " last saw " + last, e);
            }
            return took;
        })));
        Map<Transition, Long> all = new LinkedHashMap<>();
        for (Future<Map<Transition, Long>> future : futures.values()) {
            all.putAll(result(future));
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
        assertUnchanged(before, views(), pairs, when);
    }

    private static void assertUnchanged(Map<Integer, Map<Integer, View>> before, Map<Integer, Map<Integer, View>> now,
            List<int[]> pairs, String when) {
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

    private void assertWithinBound(String what, Map<Transition, Long> times) throws Exception {
        boolean within = times.values().stream().allMatch(millis -> millis <= BOUND_MILLIS);
        if (!within) {
            // A starved host delays heartbeats and timers alike: say how starved, so that a miss is judged.
            String starvation = starvation();
            times.forEach((transition, millis) -> assertTrue(what + ": " + transition + " after " + millis
                    + " ms, over the bound of " + BOUND_MILLIS + " ms; " + starvation, millis <= BOUND_MILLIS));
        }
    }

    /** How starved the host and the nodes were: the load average, each node's longest scheduling delay. */
    private String starvation() throws Exception {
        Map<Integer, Object> delays = onEveryNode(k -> load.status(k, "request").get("maxSchedulingDelayMs"));
        return "the nodes' longest scheduling delays so far " + delays + " ms, load average "
                + Files.readString(Path.of("/proc/loadavg")).trim();
    }

    /**
     * When cut or heal began to change the drops (they change every port in one tc batch, within
     * milliseconds): times measured from it are the longest they can be.
     */
    private static long inForceAt(String output) {
        Matcher matcher = IN_FORCE.matcher(output);
        assertTrue("no time in force in: " + output, matcher.find());
        return Long.parseLong(matcher.group(1));
    }

    /**
     * Keeps a cut in place until {@code untilMillis} (epoch), checking it about once a second meanwhile: the
     * lost pairs keep the state and time they entered at detection (no stream forms through the cut, no flap),
     * and the pairs the cut does not touch stay ACTIVE and unchanged. A check that fails ends the test at once.
     */
    private void holdCut(List<Transition> lost, Map<Integer, Map<Integer, View>> before, List<int[]> untouched,
            long untilMillis, String what) throws Exception {
        Map<Integer, Map<Integer, View>> atDetection = views();
        Duration hold = Duration.ofMillis(Math.max(0, untilMillis - System.currentTimeMillis()));
        await(what).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1)).atMost(hold.plus(SETTLE_DEADLINE))
                .until(() -> {
                    Map<Integer, Map<Integer, View>> now = views();
                    for (Transition t : lost) {
                        assertEquals(t + " while " + what, atDetection.get(t.observer()).get(t.node()),
                                now.get(t.observer()).get(t.node()));
                    }
                    assertUnchanged(before, now, untouched, "while " + what);
                    return System.currentTimeMillis() >= untilMillis;
                });
    }

    // ---- the test-tools feature and its loads ----------------------------------------------------

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
     * While a cut holds, no request on node K has waited longer than its timeout plus the margin: those to
     * an unreachable node fail (at once, when the stream closes, or at their timeout) rather than hang.
     */
    private void checkNoRequestOverdue(int k) throws Exception {
        Map<String, Object> status = load.status(k, "request");
        long oldest = ExampleLoad.number(status, "oldestPendingMs");
        long bound = ExampleLoad.REQUEST_TIMEOUT.toMillis() + ExampleLoad.number(status, "lateMarginMs")
                + ExampleLoad.number(status, "maxSchedulingDelayMs");
        report.add("PARTITION node-" + k + " during a cut: " + status.get("pending") + " requests pending, the oldest "
                + oldest + " ms (bound " + bound + ", with the node's scheduling delay)");
        assertTrue("node-" + k + ": a request pending for " + oldest + " ms during a cut, over " + bound + ": " + status,
                oldest <= bound);
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
            int workers = (int) ClusterScript.number(script.cli(k, "cluster:config", "--json"), null, "io.workers");
            for (Map.Entry<String, Integer> pool : after.get(k).entrySet()) {
                int limit = pool.getKey().equals("cohort-io") ? workers : before.get(k).getOrDefault(pool.getKey(), 0);
                assertTrue("node-" + k + " has " + pool.getValue() + " " + pool.getKey() + " threads, before "
                        + before.get(k) + ", after " + after.get(k), pool.getValue() <= limit);
            }
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
            results.put(entry.getKey(), result(entry.getValue()));
        }
        return results;
    }

    /** A parallel call's result; its assertion failure as is, so that the report names it. */
    private static <T> T result(Future<T> future) throws Exception {
        try {
            return future.get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** A value (id, prefix) of the cluster folder's .netns, if 'up --netns' got that far. */
    private String netnsState(String key) throws Exception {
        Path state = script.clusterDir.resolve(".netns");
        if (!Files.exists(state)) {
            return null;
        }
        for (String line : Files.readAllLines(state)) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }
}
