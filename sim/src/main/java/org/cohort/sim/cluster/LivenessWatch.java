package org.cohort.sim.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.FailureDetectionSettings;
import org.cohort.core.detection.PhiAccrualFailureDetector;
import org.cohort.core.membership.MemberState;
import org.cohort.sim.Simulation;
import org.cohort.sim.net.SimNetwork;

/**
 * The bounds on what nodes see of each other, asserted at their deadlines:
 * <ul>
 *   <li><b>detection</b>: a node killed or paused for longer than {@link #detectionBound} is INACTIVE to
 *       every running node that lists it, once that bound has passed (unless a fault touched the observer,
 *       or either of them within the detector's window before: the bound is for regular heartbeats);
 *   <li><b>recovery</b>: from every moment a fault ends, each pair of running nodes that list each other
 *       and that no fault touches is ACTIVE both ways within {@link #recoveryBound};
 *   <li><b>one stream per pair</b>: a host never keeps more than one stream to another host for longer
 *       than a hello timeout plus a detection (a duplicate of a simultaneous dial is closed by the hello),
 *       and when the run is quiet every such pair has exactly one.
 * </ul>
 */
final class LivenessWatch {

    /** How often the streams are counted. */
    private static final long SAMPLE_NANOS = Duration.ofMillis(200).toNanos();

    private final SimCluster cluster;
    private final Simulation simulation;
    private final Disturbances disturbances;
    private final List<String> violations;
    private final long detectionNanos;
    /** How far back the detector's window of heartbeat intervals reaches (100 intervals: 10 s). */
    private final long detectorMemoryNanos;
    private final long recoveryNanos;
    private final long duplicateNanos;
    /** The scenario stops the cluster: checks still due find nodes leaving on purpose, and check nothing. */
    private boolean stopping;
    /** "i>j" to when host i began to hold more than one stream to host j. */
    private final Map<String, Long> duplicateSince = new HashMap<>();

    LivenessWatch(SimCluster cluster, Disturbances disturbances, List<String> violations) {
        this.cluster = cluster;
        this.simulation = cluster.simulation();
        this.disturbances = disturbances;
        this.violations = violations;
        ClusterSettings settings = cluster.node(1).settings();
        this.detectionNanos = detectionBound(settings).toNanos();
        this.detectorMemoryNanos = settings.failureDetection().heartbeatInterval().toNanos()
                * PhiAccrualFailureDetector.DEFAULT_WINDOW_SIZE;
        this.recoveryNanos = recoveryBound(settings).toNanos();
        this.duplicateNanos = settings.helloTimeout().toNanos() + detectionNanos;
    }

    /**
     * How long after a node falls silent its peers declare it failed, from the configuration: the silence
     * at which the phi detector crosses its threshold for heartbeats as regular as the configured
     * interval, plus one interval (the last heartbeat may have left that long before the fault) and one
     * more (the detector is read on the heartbeat tick), plus 50 ms for the network.
     */
    static Duration detectionBound(ClusterSettings settings) {
        FailureDetectionSettings detection = settings.failureDetection();
        long interval = detection.heartbeatInterval().toNanos();
        PhiAccrualFailureDetector detector = new PhiAccrualFailureDetector(detection);
        long now = 0;
        for (int i = 0; i <= PhiAccrualFailureDetector.DEFAULT_WINDOW_SIZE; i++) {
            now += interval;
            detector.heartbeat(now);
        }
        long last = now;
        long step = Duration.ofMillis(1).toNanos();
        while (detector.isAvailable(now) && now - last < Duration.ofMinutes(1).toNanos()) {
            now += step;
        }
        return Duration.ofNanos(now - last + 2 * interval).plusMillis(50);
    }

    /**
     * How soon after a fault ends a pair is ACTIVE again, from the configuration: a dial lost to the fault
     * times out, the redial waits out the longest backoff and the custodian's round, and the hello
     * completes within its timeout.
     */
    static Duration recoveryBound(ClusterSettings settings) {
        return settings.connectTimeout().plus(settings.reconnectBackoffMax()).plus(settings.custodianInterval())
                .plus(settings.helloTimeout());
    }

    /** The cluster is being stopped: no check runs from now on. */
    void stopping() {
        stopping = true;
    }

    Duration recoveryBound() {
        return Duration.ofNanos(recoveryNanos);
    }

    /**
     * Node K falls silent (killed or paused) at {@code at} for {@code lasting}: check its detection, if
     * {@code stillSilent} says at the check that the fault did silence it all along (a pause that struck
     * an already dead process, then restarted, silenced nothing).
     */
    void silent(int node, long at, long lasting, java.util.function.BooleanSupplier stillSilent) {
        if (lasting <= detectionNanos) {
            return;
        }
        long check = at + detectionNanos;
        // The bound holds for heartbeats as regular as configured over the detector's whole window: a
        // fault in it (a squeezed link, a pause of either end) widened the spread the detector allows.
        long since = at - detectorMemoryNanos;
        simulation.schedule(check - simulation.nanoTime(), "check detection of node-" + node, () -> {
            if (stopping || !stillSilent.getAsBoolean() || disturbances.touches(node, since, at)) {
                return;
            }
            for (int observer = 1; observer <= cluster.size(); observer++) {
                if (observer == node || !cluster.isRunning(observer) || !cluster.members(observer).contains(node)
                        || disturbances.touches(observer, since, check)) {
                    continue;
                }
                Optional<MemberState> seen = cluster.node(observer).membership().state(NodeId.of("node-" + node));
                if (seen.isPresent() && seen.get().isActive()) {
                    violations.add("detection: node-" + observer + " still sees node-" + node + " ACTIVE "
                            + detectionNanos / 1_000_000 + " ms after it fell silent at " + at + " ns");
                }
            }
        });
    }

    /** Schedules the recovery check owed from every moment a fault ends. */
    void recoveries(Iterable<Long> ends) {
        for (long end : ends) {
            long check = end + recoveryNanos;
            simulation.schedule(Math.max(0, check - simulation.nanoTime()), "check recovery from " + end + " ns",
                    () -> checkRecovered(end, check));
        }
    }

    private void checkRecovered(long since, long check) {
        if (stopping) {
            return;
        }
        for (int i = 1; i <= cluster.size(); i++) {
            for (int j = i + 1; j <= cluster.size(); j++) {
                if (!cluster.isRunning(i) || !cluster.isRunning(j) || !cluster.members(i).contains(j)
                        || !cluster.members(j).contains(i) || disturbances.touches(i, since, check)
                        || disturbances.touches(j, since, check)) {
                    continue;
                }
                for (int[] way : new int[][] {{i, j}, {j, i}}) {
                    Optional<MemberState> seen = cluster.node(way[0]).membership().state(NodeId.of("node-" + way[1]));
                    if (seen.isEmpty() || !seen.get().isActive()) {
                        violations.add("recovery: node-" + way[0] + " does not see node-" + way[1] + " ACTIVE "
                                + recoveryNanos / 1_000_000 + " ms after the fault that ended at " + since + " ns");
                    }
                }
            }
        }
    }

    /** Counts each host's streams to each other host every {@link #SAMPLE_NANOS} until {@code until}. */
    void sampleStreams(long until) {
        simulation.repeat(SAMPLE_NANOS, until, "count the streams", () -> countStreams(false));
    }

    /**
     * Counts each host's streams to each other host: during the run a duplicate may live only briefly;
     * when the run is quiet, each pair of running nodes that list each other has exactly one.
     */
    void countStreams(boolean quiet) {
        SimNetwork network = cluster.network();
        Map<String, Integer> counts = network.streamEndCounts();
        long now = simulation.nanoTime();
        for (int i = 1; i <= cluster.size(); i++) {
            for (int j = 1; j <= cluster.size(); j++) {
                if (i == j) {
                    continue;
                }
                int streams = counts.getOrDefault(SimCluster.address(i) + ">" + SimCluster.address(j), 0);
                String pair = i + ">" + j;
                if (quiet) {
                    boolean expected = cluster.isRunning(i) && cluster.isRunning(j) && cluster.members(i).contains(j)
                            && cluster.members(j).contains(i);
                    if (streams != (expected ? 1 : 0)) {
                        violations.add("streams: node-" + i + " holds " + streams + " streams to node-" + j
                                + " when the run is quiet (" + (expected ? 1 : 0) + " expected): "
                                + network.describeStreamEnds(SimCluster.address(i), SimCluster.address(j)));
                    }
                } else if (streams > 1 && (cluster.host(i).isPaused() || cluster.host(j).isPaused()
                        || disturbances.touches(i, now - 1, now + 1) || disturbances.touches(j, now - 1, now + 1))) {
                    // A paused host closes nothing, and a fault on either end (a squeezed link holding
                    // back hellos and closes) makes redials overlap: the clock starts when the pair is left alone.
                    duplicateSince.remove(pair);
                } else if (streams > 1) {
                    long since = duplicateSince.computeIfAbsent(pair, p -> simulation.nanoTime());
                    if (simulation.nanoTime() - since > duplicateNanos) {
                        violations.add("streams: node-" + i + " has held " + streams + " streams to node-" + j
                                + " since " + since + " ns");
                        duplicateSince.put(pair, Long.MAX_VALUE / 2); // reported once
                    }
                } else {
                    duplicateSince.remove(pair);
                }
            }
        }
    }
}
