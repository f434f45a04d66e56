package org.cohort.core.shell;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.membership.MemberState;

/**
 * {@code cluster:nodes}: every member, its address and state; this node marked and always ACTIVE. A member
 * that said goodbye as it stopped shows {@code INACTIVE (left)} in the table and {@code "left": true} in the
 * JSON, whose {@code state} stays ACTIVE or INACTIVE.
 */
@Service
@Command(scope = "cluster", name = "nodes", description = "Lists the cluster's members and their state")
public class NodesCommand extends ClusterAction {

    @Override
    Object result() {
        NodeId localId = stats.settings().localNodeId();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MemberState member : stats.members()) {
            boolean local = member.node().id().equals(localId);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", member.node().id().id());
            row.put("address", member.node().ip().getHostAddress() + ":" + member.node().tcpPort());
            row.put("state", member.state().name()); // membership holds this node ACTIVE from the start
            row.put("local", local);
            row.put("since", member.since().toEpochMilli());
            row.put("incarnation", member.incarnation());
            // The last round trip cluster:ping measured, in microseconds; null before any.
            row.put("lastRttMicros", stats.lastRoundTrip(member.node().id()).map(rtt -> rtt.toNanos() / 1_000)
                    .orElse(null));
            row.put("left", member.left()); // last: scripts match the fields before it in order
            rows.add(row);
        }
        return rows;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        ShellTable table = new ShellTable();
        table.column("");
        table.column("ID");
        table.column("ADDRESS");
        table.column("STATE");
        table.column("SINCE");
        table.column("INCARNATION");
        table.column("LAST RTT");
        for (Map<String, Object> row : (List<Map<String, Object>>) result) {
            table.addRow().addContent(Boolean.TRUE.equals(row.get("local")) ? "*" : "", row.get("id"),
                    row.get("address"), Boolean.TRUE.equals(row.get("left")) ? row.get("state") + " (left)"
                            : row.get("state"), Instant.ofEpochMilli((Long) row.get("since")),
                    row.get("incarnation"), row.get("lastRttMicros") == null ? "-"
                            : String.format("%.3f ms", (Long) row.get("lastRttMicros") / 1000.0));
        }
        table.print(out);
    }
}
