package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.cohort.itests.ClusterScript;
import org.junit.After;
import org.junit.Test;

/**
 * Scenario 7 (-Pfaults): every node stops (a clean SIGTERM each) and starts again, one after the other, as
 * an operator restarting a cluster would; the first node back keeps dialing the others for as long as they
 * take to boot. The cluster forms again within 5 s of the last node's boot (its {@code Cluster I/O started}
 * line): every node logs every other ACTIVE. Then the load runs again and the invariants hold.
 */
public class RestartAllFaultsIT {

    private static final int[] ALL = {1, 2, 3};
    private static final Duration FORMS_WITHIN = Duration.ofSeconds(5);

    private final ClusterScript script = new ClusterScript("faults-restart-all-it");
    private final ExampleLoad load = new ExampleLoad(script);
    private final MembershipClock clock = new MembershipClock(script);

    @After
    public void down() throws Exception {
        script.run("down");
    }

    private static void report(String line) {
        System.out.println("[faults] " + line);
    }

    @Test
    public void aClusterRestartedNodeByNodeFormsAgainWithinFiveSecondsOfTheLastBoot() throws Exception {
        script.run("up", "3", "--assembly", ClusterScript.assembly().toString());
        for (int k : ALL) {
            load.install(k);
            load.start(k);
        }
        await("traffic").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ExampleLoad.number(load.status(1, "request"), "replies") > 0);

        script.run("down");
        Instant restarted = Instant.now();
        for (int k : ALL) {
            script.run("start", Integer.toString(k));
        }
        Instant lastBoot = restarted;
        StringBuilder boots = new StringBuilder();
        for (int k : ALL) {
            Instant boot = NodeLog.read(script.log(k)).clusterStarted(restarted).orElseThrow();
            boots.append(" node-").append(k).append(" +").append(MembershipClock.millis(restarted, boot)).append(" ms");
            lastBoot = boot.isAfter(lastBoot) ? boot : lastBoot;
        }
        Instant formed = clock.awaitAllActive(ALL, ALL, restarted, Duration.ofSeconds(60));
        long formation = MembershipClock.millis(lastBoot, formed);
        report("restart of all: cluster I/O started" + boots + " after the first start; every node saw every other "
                + "ACTIVE " + formation + " ms after the last boot (bound " + FORMS_WITHIN.toMillis() + ")");
        assertTrue("formed " + formation + " ms after the last boot", formation <= FORMS_WITHIN.toMillis());

        for (int k : ALL) {
            load.awaitCommands(k);
            load.start(k);
        }
        await("traffic again").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ExampleLoad.number(load.status(3, "request"), "replies") > 0);
        report(new FaultInvariants(script).check(ALL));
    }
}
