package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cohort.testtools.receive.LedgerReport;
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

        return LedgerReport.of(snapshot, cluster == null ? null : cluster.localMember().id().id(), reset, last);
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
