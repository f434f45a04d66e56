package org.cohort.examples.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.api.cluster.NodeId;
import org.cohort.examples.message.ExampleSubjects;
import org.cohort.examples.send.ExampleSender;
import org.cohort.shell.JsonAction;

/** {@code example:broadcast TEXT...}: one typed message to every other ACTIVE member; each logs it. */
@Service
@Command(scope = "example", name = "broadcast", description = "Sends one ExampleMessage to every other ACTIVE "
        + "member, one way, on subject " + ExampleSubjects.MESSAGE + "; each receiver logs it")
public class BroadcastCommand extends JsonAction {

    @Argument(index = 0, name = "text", required = true, multiValued = true, description = "The text to send")
    List<String> text;

    @Reference(optional = true)
    ExampleSender sender;

    @Override
    protected Object compute() {
        ExampleSender examples = require(sender, "The example sender");
        // Cohort's broadcast does not tell which nodes it reached: these are ACTIVE just before.
        List<NodeId> to = examples.activeOtherMembers();
        if (to.isEmpty()) {
            throw new IllegalStateException("not sent: no other member is ACTIVE");
        }
        ExampleSender.Sent sent = examples.broadcast(String.join(" ", text));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", true);
        result.put("to", to.stream().map(NodeId::id).toList());
        result.put("subject", ExampleSubjects.MESSAGE);
        result.put("seq", sent.seq());
        result.put("bytes", sent.bytes());
        return result;
    }

    @Override
    protected void print(Object result, PrintStream out) {
        Map<?, ?> sent = (Map<?, ?>) result;
        List<?> to = (List<?>) sent.get("to");
        out.println("Broadcast ExampleMessage #" + sent.get("seq") + " (" + sent.get("bytes") + " bytes) on "
                + sent.get("subject") + " to the " + to.size() + " other ACTIVE member(s): "
                + String.join(", ", to.stream().map(String::valueOf).toList()));
    }
}
