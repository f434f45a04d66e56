package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cohort.shell.JsonAction;
import org.cohort.testtools.send.LaneSender;

/**
 * {@code example:sent}: what became of every message this node numbered on its one-way lanes since the
 * test tools started: how many, how many confirmed, which failed back and why, which are still pending.
 * The sender's half of the reconciliation; {@code example:received} on the receivers is the other.
 */
@Service
@Command(scope = "example", name = "sent", description = "Shows what became of the test-tools messages this node "
        + "numbered on its one-way lanes: confirmed, failed back by exception type, pending")
public class SentCommand extends JsonAction {

    @Reference(optional = true)
    LaneSender sender;

    @Override
    protected Object compute() {
        return require(sender, "The test-tools lane sender").report();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> report = (Map<String, Object>) result;
        List<Map<String, Object>> lanes = (List<Map<String, Object>>) report.get("lanes");
        out.println("Node " + report.get("node") + ", epoch " + report.get("epoch") + ": " + lanes.size()
                + " lane(s)");
        if (lanes.isEmpty()) {
            return;
        }
        ShellTable table = new ShellTable();
        for (String column : new String[] {"LANE", "TO", "NUMBERED", "CONFIRMED", "FAILED", "FAILED AT ONCE",
            "PENDING", "FAILED BY TYPE"}) {
            table.column(column);
        }
        for (Map<String, Object> lane : lanes) {
            Map<String, Object> failed = (Map<String, Object>) lane.get("failed");
            table.addRow().addContent(lane.get("lane"), lane.get("to"), lane.get("numbered"), lane.get("confirmed"),
                    lane.get("failedCount"), lane.get("failedAtOnce"), lane.get("pendingCount"),
                    failed.isEmpty() ? "-" : String.join(", ", failed.keySet()));
        }
        table.print(out);
    }
}
