package org.cohort.testtools.reconcile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Matches what senders numbered on their lanes ({@code example:sent --json}) against what receivers got
 * ({@code example:received --json}, its {@code seqs}), message by message, and explains each one:
 *
 * <ul>
 *   <li><b>delivered</b>: it arrived once, and its sender believes so (accepted by {@code trySend}, or
 *       confirmed by {@code deliver}'s future, or that future still pending);
 *   <li><b>failed back</b>: it did not arrive, and its sender was told so (the future failed; by the
 *       exception's type);
 * </ul>
 *
 * and everything else is <b>unexplained</b>: a <b>silent gap</b> (accepted or confirmed, never arrived),
 * a <b>duplicate</b> (arrived more than once, within one receiver run or across its restarts), a message
 * <b>delivered though failed back</b> (the sender was told it was not), one <b>lost while pending</b>
 * (never arrived, its future never completed) and <b>unmatched</b> arrivals (numbers no sender report
 * accounts for). Refusals at once use no number and so never reach this count; the senders' load figures
 * count them by reason.
 *
 * <p>Several reports of one node are allowed: the archived ones a node kept when its test tools stopped,
 * and the live one. A sender run is known by its node and epoch; a receiver's runs are merged. Framework
 * free: it reads parsed JSON (maps, lists, numbers, strings), so that tests on a real cluster and unit
 * tests use it alike.
 */
public final class Reconciliation {

    /** The verdicts, counted over every lane. */
    public static final class Totals {
        long numbered;
        long delivered;
        long deliveredPending;
        long failedBack;
        final Map<String, Long> failedBackByType = new TreeMap<>();
        long silentGaps;
        long duplicates;
        long deliveredButFailedBack;
        long lostPending;
        long unmatched;
        long incompleteLedgers;

        /** @return the messages nothing explains; 0 is the promise */
        public long unexplained() {
            return silentGaps + duplicates + deliveredButFailedBack + lostPending + unmatched;
        }

        public long numbered() {
            return numbered;
        }

        public long delivered() {
            return delivered;
        }

        public long failedBack() {
            return failedBack;
        }

        public long silentGaps() {
            return silentGaps;
        }

        public long duplicates() {
            return duplicates;
        }

        /** @return every figure by name, in a stable order, for printing */
        public Map<String, Object> figures() {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("numbered", numbered);
            figures.put("delivered", delivered);
            figures.put("deliveredPending", deliveredPending);
            figures.put("failedBack", failedBack);
            figures.put("failedBackByType", Map.copyOf(failedBackByType));
            figures.put("unexplained", unexplained());
            figures.put("silentGaps", silentGaps);
            figures.put("duplicates", duplicates);
            figures.put("deliveredButFailedBack", deliveredButFailedBack);
            figures.put("lostPending", lostPending);
            figures.put("unmatched", unmatched);
            figures.put("incompleteLedgers", incompleteLedgers);
            return figures;
        }

        @Override
        public String toString() {
            return figures().toString();
        }
    }

    /** Sender node, its epoch (hex), the lane and the receiving node. */
    private record LaneKey(String sender, String epoch, String lane, String receiver) {
    }

    /** One receiver run's numbers of one lane. */
    private record ReceivedRun(SeqRanges received, long duplicates) {
    }

    private final Set<String> lanes;
    private final Map<LaneKey, Map<String, Object>> sent = new LinkedHashMap<>();
    private final Map<LaneKey, List<ReceivedRun>> received = new LinkedHashMap<>();
    private final Map<String, Totals> byLane = new TreeMap<>();
    private boolean onlyReportedRuns;
    private boolean withinReceivedWindows;

    /** @param lanes the lanes to reconcile ({@code load-unicast}, {@code load-deliver}); others are ignored */
    public Reconciliation(Set<String> lanes) {
        this.lanes = Set.copyOf(lanes);
    }

    /**
     * Reconciles only the sender runs whose reports were added: arrivals from other runs are ignored
     * instead of counted as unmatched (to explain one sender run alone).
     *
     * @return this
     */
    public Reconciliation onlyReportedRuns() {
        onlyReportedRuns = true;
        return this;
    }

    /**
     * Checks only the numbers the receivers' ledgers can speak for: of each lane, those between the lowest
     * and the highest number its receiver got (over all its runs), and no lane that nothing of arrived. For
     * a cluster where a receiver's ledger may be gone with its JVM (a node killed): what reached that run
     * before it died, and the tail after a receiver's last arrival, cannot be told lost from delivered.
     * Every gap inside the window must still be explained.
     *
     * @return this
     */
    public Reconciliation withinReceivedWindows() {
        withinReceivedWindows = true;
        return this;
    }

    /**
     * Adds a sender's report.
     *
     * @param report {@code example:sent --json}, parsed: node, epoch, lanes
     * @return this
     */
    @SuppressWarnings("unchecked")
    public Reconciliation sender(Map<String, Object> report) {
        String node = (String) report.get("node");
        String epoch = (String) report.get("epoch");
        for (Map<String, Object> lane : (List<Map<String, Object>>) report.get("lanes")) {
            if (lanes.contains((String) lane.get("lane"))) {
                sent.put(new LaneKey(node, epoch, (String) lane.get("lane"), (String) lane.get("to")), lane);
            }
        }
        return this;
    }

    /**
     * Adds one run of a receiver's ledger.
     *
     * @param node the receiving node (an archived report may not name it)
     * @param report {@code example:received --json}, parsed: its {@code seqs}
     * @return this
     */
    @SuppressWarnings("unchecked")
    public Reconciliation receiver(String node, Map<String, Object> report) {
        for (Map<String, Object> lane : (List<Map<String, Object>>) report.get("seqs")) {
            if (!lanes.contains((String) lane.get("lane"))) {
                continue;
            }
            LaneKey key = new LaneKey((String) lane.get("sender"), (String) lane.get("epoch"),
                    (String) lane.get("lane"), node);
            received.computeIfAbsent(key, k -> new ArrayList<>()).add(new ReceivedRun(
                    SeqRanges.of((List<?>) lane.get("received")), ((Number) lane.get("duplicates")).longValue()));
            if (((Number) lane.get("overflow")).longValue() > 0) {
                totalsOf((String) lane.get("lane")).incompleteLedgers++;
            }
        }
        return this;
    }

    /**
     * Explains every message.
     *
     * @return the totals over every lane
     */
    public Totals reconcile() {
        for (Map.Entry<LaneKey, Map<String, Object>> entry : sent.entrySet()) {
            reconcile(entry.getKey(), entry.getValue(), received.getOrDefault(entry.getKey(), List.of()));
        }
        for (Map.Entry<LaneKey, List<ReceivedRun>> entry : received.entrySet()) {
            if (!sent.containsKey(entry.getKey()) && !onlyReportedRuns) {
                Totals totals = totalsOf(entry.getKey().lane());
                for (ReceivedRun run : entry.getValue()) {
                    totals.unmatched += run.received().count() + run.duplicates();
                }
            }
        }
        Totals all = new Totals();
        for (Totals lane : byLane.values()) {
            add(all, lane);
        }
        return all;
    }

    /** @return the totals of each lane, after {@link #reconcile()} */
    public Map<String, Totals> byLane() {
        return byLane;
    }

    @SuppressWarnings("unchecked")
    private void reconcile(LaneKey key, Map<String, Object> lane, List<ReceivedRun> runs) {
        Totals totals = totalsOf(key.lane());
        long numbered = ((Number) lane.get("numbered")).longValue();
        Map<String, SeqRanges> failed = new TreeMap<>();
        ((Map<String, Object>) lane.get("failed")).forEach((type, ranges) -> failed.put(type,
                SeqRanges.of((List<?>) ranges)));
        SeqRanges pending = SeqRanges.of((List<?>) lane.get("pending"));
        long first = 1;
        long last = numbered;
        if (withinReceivedWindows) {
            if (runs.isEmpty()) {
                return;
            }
            first = runs.stream().mapToLong(run -> run.received().lowest()).min().orElse(1);
            last = Math.min(numbered, runs.stream().mapToLong(run -> run.received().highest()).max().orElse(0));
        }
        totals.numbered += Math.max(0, last - first + 1);
        for (long seq = first; seq <= last; seq++) {
            int arrivals = 0;
            for (ReceivedRun run : runs) {
                if (run.received().contains(seq)) {
                    arrivals++;
                }
            }
            String failure = null;
            for (Map.Entry<String, SeqRanges> type : failed.entrySet()) {
                if (type.getValue().contains(seq)) {
                    failure = type.getKey();
                    break;
                }
            }
            if (arrivals > 1) {
                totals.duplicates += arrivals - 1;
            }
            if (arrivals > 0) {
                if (failure != null) {
                    totals.deliveredButFailedBack++;
                } else if (pending.contains(seq)) {
                    totals.deliveredPending++;
                } else {
                    totals.delivered++;
                }
            } else if (failure != null) {
                totals.failedBack++;
                totals.failedBackByType.merge(failure, 1L, Long::sum);
            } else if (pending.contains(seq)) {
                totals.lostPending++;
            } else {
                totals.silentGaps++;
            }
        }
        for (ReceivedRun run : runs) {
            // Arrivals of a number already seen in the same receiver run; across runs they were counted above.
            totals.duplicates += run.duplicates();
            if (run.received().highest() > numbered) {
                for (long seq = numbered + 1; seq <= run.received().highest(); seq++) {
                    if (run.received().contains(seq)) {
                        totals.unmatched++;
                    }
                }
            }
        }
    }

    private Totals totalsOf(String lane) {
        return byLane.computeIfAbsent(lane, name -> new Totals());
    }

    private static void add(Totals into, Totals from) {
        into.numbered += from.numbered;
        into.delivered += from.delivered;
        into.deliveredPending += from.deliveredPending;
        into.failedBack += from.failedBack;
        from.failedBackByType.forEach((type, count) -> into.failedBackByType.merge(type, count, Long::sum));
        into.silentGaps += from.silentGaps;
        into.duplicates += from.duplicates;
        into.deliveredButFailedBack += from.deliveredButFailedBack;
        into.lostPending += from.lostPending;
        into.unmatched += from.unmatched;
        into.incompleteLedgers += from.incompleteLedgers;
    }
}
