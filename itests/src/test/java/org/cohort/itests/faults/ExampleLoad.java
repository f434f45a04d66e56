package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.cohort.itests.ClusterScript;
import org.cohort.shell.CommandJson;

/**
 * The test tools' background load on the nodes of a scenario (feature cohort-test-tools; its commands
 * keep the example: scope): unicast, broadcast, request/reply and one-way through deliver
 * from each node to every other member at once, rate- and window-limited so that a 2-core host running
 * three nodes copes (the request load keeps at most 10,000 requests waiting).
 */
public final class ExampleLoad {

    /** Messages per second of each node's unicast load, spread over the other members. */
    public static final int UNICAST_RATE = 200;
    /**
     * One-way messages per second of each node's deliver load (each one's outcome kept by the sender, so
     * that every gap a receiver sees can be matched against what its sender was told), whatever the other
     * rates.
     */
    public static final int DELIVER_RATE = 200;
    /** Broadcasts per second of each node. */
    public static final int BROADCAST_RATE = 50;
    /** Requests per second of each node, spread over the other members. */
    public static final int REQUEST_RATE = 100;
    /** Each request's timeout: short, so that requests to a node that died fail soon after. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Padding bytes per message. */
    public static final int SIZE = 256;
    /** Longer than any scenario: the tests stop the loads. */
    private static final int DURATION_SECONDS = 1_800;
    private static final Duration READY = Duration.ofSeconds(60);

    private final ClusterScript script;

    public ExampleLoad(ClusterScript script) {
        this.script = script;
    }

    /** Installs the test-tools feature on node K (a restarted node keeps it) and waits for its commands. */
    public void install(int k) throws Exception {
        script.cli(k, "feature:install", "cohort-test-tools");
        awaitCommands(k);
    }

    /** Waits until node K's load commands answer (after a start, the feature comes back by itself). */
    public void awaitCommands(int k) {
        await("the load commands on node " + k).atMost(READY).pollInterval(Duration.ofMillis(500))
                .until(() -> script.runAllowingFailure("cli", Integer.toString(k), "example:load-status")
                        .exitValue() == 0);
    }

    /** Starts node K's four loads with the default rates, in one shell session. */
    public void start(int k) throws Exception {
        start(k, UNICAST_RATE, BROADCAST_RATE, REQUEST_RATE);
    }

    /** Starts node K's four loads with the given rates (and the deliver load's), in one shell session. */
    public void start(int k, int unicastRate, int broadcastRate, int requestRate) throws Exception {
        script.cli(k, "example:load --mode unicast --rate " + unicastRate + " --duration " + DURATION_SECONDS
                + " --size " + SIZE + "; example:load --mode broadcast --rate " + broadcastRate + " --duration "
                + DURATION_SECONDS + " --size " + SIZE + "; example:load --mode request --rate " + requestRate
                + " --duration " + DURATION_SECONDS + " --size " + SIZE + " --timeout-ms " + REQUEST_TIMEOUT.toMillis()
                + "; example:load --mode deliver --rate " + DELIVER_RATE + " --duration " + DURATION_SECONDS + " --size "
                + SIZE);
    }

    /** Stops node K's loads (requests already sent still complete or time out). */
    public void stop(int k) throws Exception {
        script.cli(k, "example:load-stop");
    }

    /** {@code example:load-status --mode MODE --json} of node K, parsed. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> status(int k, String mode) throws Exception {
        return (Map<String, Object>) CommandJson.read(script.cli(k, "example:load-status", "--mode", mode, "--json"));
    }

    /** {@code example:received --json} of node K, parsed. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> received(int k) throws Exception {
        return (Map<String, Object>) CommandJson.read(script.cli(k, "example:received", "--json", "--last", "0"));
    }

    /** A whole number in parsed JSON. */
    public static long number(Map<String, Object> json, String key) {
        Object value = json.get(key);
        if (!(value instanceof Number number)) {
            throw new AssertionError("no number " + key + " in " + json);
        }
        return number.longValue();
    }
}
