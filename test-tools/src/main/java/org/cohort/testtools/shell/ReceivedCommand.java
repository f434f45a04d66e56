package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cohort.testtools.receive.ReceiveLedger;
import org.cohort.shell.JsonAction;

/**
 * {@code example:received}: what this node received on the test-tools subjects: counts per sender, each
 * lane's sequence check, the last messages.
 */
@Service
@Command(scope = "example", name = "received", description = "Shows the test-tools messages this node received: per "
        + "sender, per lane (duplicates, out of order, gaps) and the last few")
public class ReceivedCommand extends JsonAction {

    @Option(name = "-n", aliases = "--last", description = "How many of the last messages to show, 0.."
            + ReceiveLedger.LAST_KEPT + " (default 10)")
    int last = 10;

    @Option(name = "--reset", description = "Set the counters to zero after showing them (lanes keep their place)")
    boolean reset;

    @Reference(optional = true)
    ReceiveLedger ledger;

    @Override
    protected Object compute() {
        if (last < 0 || last > ReceiveLedger.LAST_KEPT) {
            throw new IllegalArgumentException("--last must be 0 to " + ReceiveLedger.LAST_KEPT + ", got " + last);
        }
        ReceiveLedger figures = require(ledger, "The test-tools ledger");
        ReceiveLedger.Snapshot snapshot = reset ? figures.snapshotAndReset() : figures.snapshot();

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
        result.put("node", cluster == null ? null : cluster.localMember().id().id());
        result.put("reset", reset);
        result.put("totals", totalFigures);
        result.put("senders", senders);
        result.put("lanes", lanes);
        result.put("last", arrivals);
        return result;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> figures = (Map<String, Object>) result;
        Map<String, Object> totals = (Map<String, Object>) figures.get("totals");
        out.println("Received " + totals.get("received") + " message(s): duplicates " + totals.get("duplicates")
                + ", out of order " + totals.get("outOfOrder") + ", gaps " + totals.get("gaps") + ", epoch changes "
                + totals.get("epochChanges") + ", undecodable " + totals.get("undecodable") + ", untracked "
                + totals.get("untracked") + (Boolean.TRUE.equals(figures.get("reset")) ? " (now reset to 0)" : ""));

        Map<String, Map<String, Object>> senders = (Map<String, Map<String, Object>>) figures.get("senders");
        if (!senders.isEmpty()) {
            out.println();
            ShellTable table = new ShellTable();
            table.column("SENDER");
            table.column("RECEIVED").alignRight();
            table.column("PADDING BYTES").alignRight();
            senders.forEach((sender, row) -> table.addRow().addContent(sender, row.get("received"),
                    row.get("paddingBytes")));
            table.print(out);
        }

        List<Map<String, Object>> lanes = (List<Map<String, Object>>) figures.get("lanes");
        if (!lanes.isEmpty()) {
            out.println();
            ShellTable table = new ShellTable();
            for (String column : new String[] {"SENDER", "SUBJECT", "LANE", "EPOCH", "RECEIVED", "SEQS",
                "DUPLICATES", "OUT OF ORDER", "GAPS", "EPOCH CHANGES"}) {
                table.column(column);
            }
            for (Map<String, Object> lane : lanes) {
                table.addRow().addContent(lane.get("sender"), lane.get("subject"), lane.get("lane"), lane.get("epoch"),
                        lane.get("received"), lane.get("firstSeq") + ".." + lane.get("highestSeq"), lane.get("duplicates"), lane.get("outOfOrder"),
                        lane.get("gaps"), lane.get("epochChanges"));
            }
            table.print(out);
        }

        List<Map<String, Object>> arrivals = (List<Map<String, Object>>) figures.get("last");
        if (!arrivals.isEmpty()) {
            out.println();
            out.println("Last " + arrivals.size() + ":");
            ShellTable table = new ShellTable();
            for (String column : new String[] {"RECEIVED AT", "SENDER", "SUBJECT", "LANE", "SEQ", "VERDICT",
                "DELAY MS", "PADDING", "TEXT"}) {
                table.column(column);
            }
            for (Map<String, Object> arrival : arrivals) {
                table.addRow().addContent(arrival.get("receivedAt"), arrival.get("sender"), arrival.get("subject"),
                        arrival.get("lane"), arrival.get("seq"), arrival.get("verdict"), arrival.get("delayMillis"),
                        arrival.get("paddingBytes"), arrival.get("text"));
            }
            table.print(out);
        }
    }
}
