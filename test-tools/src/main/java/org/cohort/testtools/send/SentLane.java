package org.cohort.testtools.send;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.cohort.testtools.reconcile.SeqRanges;

/**
 * What became of every numbered message of one sender lane (lane and receiving node): the sender's half of
 * the reconciliation. A number is used only by a message Cohort accepted (a {@code trySend} it refused at
 * once gives its number back) or by a {@code deliver}, whose future then says what became of it: it stays
 * pending until then, and a failure is kept by the exception's type. A number neither pending nor failed is
 * one the sender believes delivered: accepted by {@code trySend}, or confirmed by its future.
 *
 * <p>Thread-safe: futures complete on Cohort's threads while the load numbers new messages.
 */
public final class SentLane {

    private final String lane;
    private final String to;
    private long numbered;
    private long confirmed;
    private long failedAtOnce;
    private final TreeSet<Long> pending = new TreeSet<>();
    private final Map<String, SeqRanges> failed = new TreeMap<>();

    SentLane(String lane, String to) {
        this.lane = lane;
        this.to = to;
    }

    /** A number used by a message that {@code trySend} accepted. */
    synchronized void accepted(long seq) {
        numbered = Math.max(numbered, seq);
    }

    /** A number used by a {@code deliver} whose future has not completed yet. */
    synchronized void pending(long seq) {
        numbered = Math.max(numbered, seq);
        pending.add(seq);
    }

    /**
     * The future of a {@code deliver} completed.
     *
     * @param seq its number
     * @param error what it failed with, null when the receiver confirmed it
     * @param atOnce whether it had completed before {@code deliver} returned (a refusal, not a later failure)
     */
    synchronized void completed(long seq, Throwable error, boolean atOnce) {
        pending.remove(seq);
        if (error == null) {
            confirmed++;
            return;
        }
        failed.computeIfAbsent(failureType(error), type -> new SeqRanges()).add(seq);
        if (atOnce) {
            failedAtOnce++;
        }
    }

    /**
     * Names a failure by its exception's simple class name, a CompletionException unwrapped:
     * {@code NodeUnreachableException}, {@code PeerRestartedException}...
     */
    public static String failureType(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; depth < 4 && (cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null; depth++) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    /**
     * A sender run's report, as {@code example:sent --json} shows it.
     *
     * @param node the sending node
     * @param epoch the run's epoch (hex in the report, as the receivers' ledgers show it)
     * @param lanes its lanes
     * @return node, epoch and one row per lane
     */
    static Map<String, Object> report(String node, long epoch, List<SentLane> lanes) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("node", node);
        report.put("epoch", Long.toHexString(epoch));
        List<Map<String, Object>> rows = new ArrayList<>();
        lanes.forEach(lane -> rows.add(lane.report()));
        report.put("lanes", rows);
        return report;
    }

    /**
     * The JSON form the reconciliation reads ({@code example:sent --json}).
     *
     * @return lane, to, numbered (the highest number used), confirmed, failedAtOnce, failed (type to
     *     [first, last] ranges), pending (ranges)
     */
    synchronized Map<String, Object> report() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("lane", lane);
        row.put("to", to);
        row.put("numbered", numbered);
        row.put("confirmed", confirmed);
        row.put("failedAtOnce", failedAtOnce);
        Map<String, Object> failures = new LinkedHashMap<>();
        long failedCount = 0;
        for (Map.Entry<String, SeqRanges> entry : failed.entrySet()) {
            failures.put(entry.getKey(), entry.getValue().toList());
            failedCount += entry.getValue().count();
        }
        row.put("failedCount", failedCount);
        row.put("failed", failures);
        SeqRanges waiting = new SeqRanges();
        pending.forEach(waiting::add);
        row.put("pendingCount", pending.size());
        row.put("pending", waiting.toList());
        return row;
    }
}
