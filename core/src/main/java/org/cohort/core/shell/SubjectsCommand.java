package org.cohort.core.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.cohort.core.messaging.SubjectStats;

/**
 * {@code cluster:subjects}: every subject with a local subscriber (through ClusterCommunicationService,
 * a whiteboard MessageHandler or core itself), how many messages and bytes wait for it, and how the
 * messages handed to it ended.
 */
@Service
@Command(scope = "cluster", name = "subjects", description = "Lists the message subjects subscribed on this node, "
        + "with their backlog and counters")
public class SubjectsCommand extends ClusterAction {

    private static Map<String, Object> row(SubjectStats subject) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("subject", subject.subject().value());
        row.put("queuedMessages", subject.queuedMessages());
        row.put("queuedBytes", subject.queuedBytes());
        row.put("maxQueuedMessages", subject.maxQueuedMessages());
        row.put("maxQueuedBytes", subject.maxQueuedBytes());
        row.put("delivered", subject.delivered());
        row.put("refused", subject.rejected());
        row.put("failed", subject.handlerFailed());
        row.put("slowOnIoThread", subject.slowOnIoThread());
        return row;
    }

    @Override
    Object result() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (SubjectStats subject : stats.subjects()) {
            rows.add(row(subject));
        }
        return rows;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        List<Map<String, Object>> subjects = (List<Map<String, Object>>) result;
        ShellTable table = new ShellTable();
        table.column("SUBJECT");
        table.column("QUEUED").alignRight();
        table.column("QUEUED BYTES").alignRight();
        table.column("DELIVERED").alignRight();
        table.column("REFUSED").alignRight();
        table.column("FAILED").alignRight();
        for (Map<String, Object> subject : subjects) {
            table.addRow().addContent(subject.get("subject"), subject.get("queuedMessages"), subject.get("queuedBytes"),
                    subject.get("delivered"), subject.get("refused"), subject.get("failed"));
        }
        table.print(out);
        if (subjects.isEmpty()) {
            out.println("No subject has a local subscriber.");
        } else {
            Map<String, Object> first = subjects.get(0);
            out.println("A subject refuses messages once " + first.get("maxQueuedMessages") + " messages or "
                    + first.get("maxQueuedBytes") + " bytes wait for its subscriber (a refused request is answered "
                    + "overloaded); FAILED counts messages on which the subscriber threw.");
        }
    }
}
