package org.cohort.itests.faults;

import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cohort.itests.ClusterScript;
import org.junit.After;
import org.junit.Test;

/**
 * Scenario 6 (-Pfaults): node 3 leaves and rejoins 20 times while nodes 1 and 2 keep their load running to
 * it and to each other: on odd rounds it is removed from the configuration and added back
 * ({@code cluster.sh remove 3} / {@code add}, through ConfigAdmin: a fresh node each time), on even rounds
 * stopped and started. The survivors end with the threads, sockets and heap (after a full collection) they
 * began with, within a small allowance for pools Karaf grows lazily; the figures are printed.
 */
public class ChurnFaultsIT {

    /** The 20; -Dfaults.churn.rounds=N for a quicker look. */
    private static final int ROUNDS = Integer.getInteger("faults.churn.rounds", 20);
    private static final int[] ALL = {1, 2, 3};
    private static final int[] SURVIVORS = {1, 2};
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** Growth the survivors may show after 20 rounds: pools Karaf and the JDK size on demand. */
    private static final int THREAD_ALLOWANCE = 8;
    private static final int SOCKET_ALLOWANCE = 4;
    private static final long HEAP_ALLOWANCE_KIB = 24 * 1024;

    private final ClusterScript script = new ClusterScript("faults-churn-it");
    private final ExampleLoad load = new ExampleLoad(script);
    private final MembershipClock clock = new MembershipClock(script);

    @After
    public void down() throws Exception {
        script.run("down");
    }

    private static void report(String line) {
        System.out.println("[faults] " + line);
    }

    private List<NodeProcess.Resources> survivors() throws Exception {
        List<NodeProcess.Resources> figures = new ArrayList<>();
        for (int k : SURVIVORS) {
            NodeProcess process = NodeProcess.of(script, k);
            process.fullGc();
            figures.add(process.resources());
        }
        return figures;
    }

    @Test
    public void twentyDeparturesAndReturnsLeaveTheSurvivorsAsTheyWere() throws Exception {
        script.run("up", "3", "--assembly", ClusterScript.assembly().toString());
        for (int k : ALL) {
            load.install(k);
        }
        for (int k : SURVIVORS) {
            load.start(k);
        }
        // One round first, so that what grows once (class loading, pools) is in the baseline.
        churn(0, false);
        List<NodeProcess.Resources> before = survivors();
        List<java.util.Map<String, Integer>> threadsBefore = threadNames();

        List<Long> detections = new ArrayList<>();
        List<Long> rejoins = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            long[] times = churn(round, round % 2 == 1);
            detections.add(times[0]);
            rejoins.add(times[1]);
        }
        List<NodeProcess.Resources> after = survivors();
        List<java.util.Map<String, Integer>> threadsAfter = threadNames();
        report("churn: " + ROUNDS + " rounds; node-3 seen gone (ms after the command) " + detections
                + "; ACTIVE everywhere after its boot (ms) " + rejoins + " (median " + median(rejoins) + ", max "
                + Collections.max(rejoins) + ")");
        report("churn: survivors before " + before);
        report("churn: survivors after  " + after);
        for (int i = 0; i < SURVIVORS.length; i++) {
            report("churn: node-" + SURVIVORS[i] + " threads that came or went, by name: "
                    + NodeProcess.difference(threadsBefore.get(i), threadsAfter.get(i)));
        }
        for (int i = 0; i < SURVIVORS.length; i++) {
            NodeProcess.Resources b = before.get(i);
            NodeProcess.Resources a = after.get(i);
            assertTrue("threads " + b + " -> " + a, a.nodeThreads() <= b.nodeThreads() + THREAD_ALLOWANCE);
            assertTrue("sockets " + b + " -> " + a, a.sockets() <= b.sockets() + SOCKET_ALLOWANCE);
            assertTrue("heap " + b + " -> " + a, a.heapUsedKiB() <= b.heapUsedKiB() + HEAP_ALLOWANCE_KIB);
        }
        report(new FaultInvariants(script).check(ALL));
    }

    private List<java.util.Map<String, Integer>> threadNames() throws Exception {
        List<java.util.Map<String, Integer>> names = new ArrayList<>();
        for (int k : SURVIVORS) {
            names.add(NodeProcess.of(script, k).threadNames());
        }
        return names;
    }

    /**
     * Node 3 leaves and comes back; returns how long after the command the survivors saw it go, and how
     * long after its cluster I/O started every node saw every other ACTIVE.
     */
    private long[] churn(int round, boolean byConfiguration) throws Exception {
        Instant left = Instant.now();
        script.run(byConfiguration ? "remove" : "stop", "3");
        long detection = -1;
        if (!byConfiguration) {
            detection = MembershipClock.millis(left, clock.awaitAllSaw(SURVIVORS, 3, false, left, DEADLINE));
        }
        Instant back = Instant.now();
        if (byConfiguration) {
            script.run("add"); // the lowest free number: 3 again
        } else {
            script.run("start", "3");
        }
        Instant boot = NodeLog.read(script.log(3)).clusterStarted(back).orElseThrow();
        Instant active = clock.awaitAllActive(ALL, new int[] {3}, back, DEADLINE);
        if (byConfiguration) {
            load.install(3); // a fresh node: the test-tools feature is installed again
        }
        long rejoin = MembershipClock.millis(boot, active);
        report("churn round " + round + " (" + (byConfiguration ? "remove/add" : "stop/start") + "): rejoined "
                + rejoin + " ms after boot");
        return new long[] {detection, rejoin};
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
