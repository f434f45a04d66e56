package org.cohort.testtools.load;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.load.LoadRun.Failure;
import org.cohort.testtools.load.LoadSettings.Mode;

/**
 * The figures of a load as the shell and its JSON show them: the field names and their order are read by
 * the fault suite and the scripts, so they do not change.
 */
final class LoadFigures {

    /**
     * Where the load is, read by its run at one moment.
     *
     * @param state its state
     * @param running whether it has not ended yet
     * @param endReason why it ended, empty while running
     * @param startedAt the wall-clock start, null before
     * @param elapsedNanos how long it has run
     * @param sendingNanos how long it sent, without the wait for the last replies
     * @param now the monotonic time of this reading
     */
    record Progress(LoadRun.State state, boolean running, String endReason, Instant startedAt, long elapsedNanos,
            long sendingNanos, long now) {
    }

    private final LoadSettings settings;
    private final SendTally tally;
    private final RequestTracker requests;
    private final DeliveryTracker deliveries;
    private final LoadPacer pacer;

    LoadFigures(LoadSettings settings, SendTally tally, RequestTracker requests, DeliveryTracker deliveries,
            LoadPacer pacer) {
        this.settings = settings;
        this.tally = tally;
        this.requests = requests;
        this.deliveries = deliveries;
        this.pacer = pacer;
    }

    /**
     * @param sentCount the messages sent, read before the progress so that the counts agree with it
     * @param progress where the load is
     * @return names to numbers, strings, lists and nested maps, in a stable order
     */
    Map<String, Object> figures(long sentCount, Progress progress) {
        Mode mode = settings.mode();
        long planned = settings.planned();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("mode", mode.id());
        figures.put("running", progress.running());
        figures.put("state", progress.state().name());
        figures.put("endReason", progress.endReason());
        figures.put("targets", settings.targets().stream().map(NodeId::id).toList());
        figures.put("rate", settings.rate());
        figures.put("durationSeconds", settings.durationSeconds());
        figures.put("sizeBytes", settings.sizeBytes());
        if (mode == Mode.REQUEST || mode == Mode.DELIVER) {
            figures.put("timeoutMs", settings.timeout().toMillis());
        }
        figures.put("startedAt", progress.startedAt() == null ? null : progress.startedAt().toString());
        figures.put("elapsedMs", TimeUnit.NANOSECONDS.toMillis(progress.elapsedNanos()));
        figures.put("planned", planned);
        figures.put("sent", sentCount);
        figures.put("refused", tally.refused());
        figures.put("refusedByReason", tally.refusedByReason());
        // Not yet due while running; afterwards behind schedule at the deadline, or cut by a stop.
        figures.put("unsent", planned - pacer.attempted());
        figures.put("bytesSent", tally.bytesSent());
        // Over the sending time only: the wait for the last replies does not count.
        long sendingNanos = progress.sendingNanos();
        figures.put("sentPerSecond", sendingNanos <= 0 ? 0 : Math.round(sentCount * 1e9 / sendingNanos));
        // The longest the load thread ran late after a wait: the node's own scheduling delay, which bounds
        // how punctual anything on this node (timers, reply callbacks) could have been.
        figures.put("maxSchedulingDelayMs", TimeUnit.NANOSECONDS.toMillis(pacer.maxSchedulingDelayNanos()));
        if (mode == Mode.BROADCAST) {
            figures.put("recipients", tally.recipients());
        } else {
            figures.put("sentByNode", tally.sentByNode(settings.targets()));
        }
        if (mode == Mode.REQUEST) {
            putRequestFigures(figures, sentCount, progress.now());
        }
        if (mode == Mode.DELIVER) {
            deliveries.putFigures(figures);
        }
        return figures;
    }

    private void putRequestFigures(Map<String, Object> figures, long sentCount, long now) {
        long failed = 0;
        Map<String, Long> byType = new LinkedHashMap<>();
        for (Map.Entry<Failure, Long> entry : requests.failures().entrySet()) {
            byType.put(entry.getKey().key(), entry.getValue());
            failed += entry.getValue();
        }
        long replyCount = requests.replies();
        figures.put("skippedInFlightLimit", requests.skippedInFlightLimit());
        figures.put("replies", replyCount);
        figures.put("failures", failed);
        figures.put("failuresByType", byType);
        figures.put("inFlight", sentCount - replyCount - failed);
        // The promise that every request completes, with a reply or a failure, within its timeout
        // plus LATE_MARGIN_MILLIS: what is still waiting, for how long, and what completed late.
        figures.put("pending", requests.pending());
        figures.put("oldestPendingMs", TimeUnit.NANOSECONDS.toMillis(now - requests.oldestPendingSentAt(now)));
        figures.put("late", requests.late());
        figures.put("lateMarginMs", LoadRun.LATE_MARGIN_MILLIS);
        figures.put("slowestCompletionMs", TimeUnit.NANOSECONDS.toMillis(requests.slowestCompletionNanos()));
        // How far past its timeout the latest request completed (0: none after its timeout).
        figures.put("maxOvershootMs", TimeUnit.NANOSECONDS.toMillis(requests.overshootNanos()));
        LatencySample.Summary latency = requests.latency();
        Map<String, Object> rtt = new LinkedHashMap<>();
        rtt.put("count", latency == null ? 0 : latency.count());
        if (latency != null) {
            rtt.put("min", latency.min());
            rtt.put("avg", latency.avg());
            rtt.put("p50", latency.p50());
            rtt.put("p99", latency.p99());
            rtt.put("max", latency.max());
        }
        figures.put("latencyMicros", rtt);
    }
}
