package org.cohort.testtools.receive;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger's figures as {@code example:received --json} shows them (and as the archive keeps them when
 * the bundle stops): the field names and their order are read by the fault suite, so they do not change.
 */
public final class LedgerReport {

    private LedgerReport() {
    }

    /**
     * @param snapshot the figures
     * @param node this node's id, or null when unknown
     * @param reset whether the counters were reset after this snapshot
     * @param last how many of the last arrivals to include
     * @return names to numbers, strings, lists and nested maps, in a stable order
     */
    public static Map<String, Object> of(ReceiveLedger.Snapshot snapshot, String node, boolean reset, int last) {
        ReceiveLedger.Totals totals = snapshot.totals();
        Map<String, Object> totalFigures = new LinkedHashMap<>();
        totalFigures.put("received", totals.received());
        totalFigures.put("duplicates", totals.duplicates());
        totalFigures.put("outOfOrder", totals.outOfOrder());
        totalFigures.put("gaps", totals.gaps());
        totalFigures.put("epochChanges", totals.epochChanges());
        totalFigures.put("undecodable", totals.undecodable());
        totalFigures.put("untracked", totals.untracked());

        Map<String, Object> senders = new LinkedHashMap<>();
        for (ReceiveLedger.SenderFigures sender : snapshot.senders()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("received", sender.received());
            row.put("paddingBytes", sender.paddingBytes());
            senders.put(sender.sender(), row);
        }

        List<Map<String, Object>> lanes = new ArrayList<>();
        for (ReceiveLedger.LaneFigures lane : snapshot.lanes()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sender", lane.sender());
            row.put("subject", lane.subject());
            row.put("lane", lane.lane());
            row.put("epoch", Long.toHexString(lane.epoch()));
            row.put("received", lane.received());
            row.put("firstSeq", lane.firstSeq());
            row.put("highestSeq", lane.highestSeq());
            row.put("duplicates", lane.duplicates());
            row.put("outOfOrder", lane.outOfOrder());
            row.put("gaps", lane.gaps());
            row.put("epochChanges", lane.epochChanges());
            lanes.add(row);
        }

        List<Map<String, Object>> arrivals = new ArrayList<>();
        List<ReceiveLedger.Arrival> kept = snapshot.last();
        for (ReceiveLedger.Arrival arrival : kept.subList(Math.max(0, kept.size() - last), kept.size())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sender", arrival.sender());
            row.put("subject", arrival.subject());
            row.put("lane", arrival.lane());
            row.put("seq", arrival.seq());
            row.put("verdict", arrival.verdict());
            row.put("receivedAt", Instant.ofEpochMilli(arrival.receivedAtMillis()).toString());
            row.put("delayMillis", arrival.delayMillis());
            row.put("paddingBytes", arrival.paddingBytes());
            row.put("text", arrival.text());
            arrivals.add(row);
        }

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("node", node);
        result.put("reset", reset);
        result.put("totals", totalFigures);
        result.put("senders", senders);
        result.put("lanes", lanes);
        result.put("last", arrivals);
        List<Map<String, Object>> seqs = new ArrayList<>();
        for (ReceiveLedger.LaneSeqs lane : snapshot.seqs()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("sender", lane.sender());
            row.put("subject", lane.subject());
            row.put("lane", lane.lane());
            row.put("epoch", Long.toHexString(lane.epoch()));
            row.put("receivedCount", lane.receivedCount());
            row.put("duplicates", lane.duplicates());
            row.put("overflow", lane.overflow());
            row.put("received", lane.received());
            row.put("duplicateSeqs", lane.duplicateSeqs());
            seqs.add(row);
        }
        // Every number that arrived, per sender run and lane: what the reconciliation matches against the
        // senders' outcomes (example:sent).
        result.put("seqs", seqs);
        return result;
    }
}
