package org.cohort.examples.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.api.cluster.NodeId;
import org.cohort.examples.message.ExampleSubjects;
import org.cohort.examples.send.ExampleSender;
import org.cohort.shell.JsonAction;
import org.cohort.shell.NodeIdCompleter;

/** {@code example:send NODE TEXT...}: one typed message, one way, to one node. */
@Service
@Command(scope = "example", name = "send", description = "Sends one ExampleMessage to a node, one way, on subject "
        + ExampleSubjects.MESSAGE + " (a refusal is an error, with its reason)")
public class SendCommand extends JsonAction {

    @Argument(index = 0, name = "node", required = true, description = "The receiving node's id (this node too)")
    @Completion(NodeIdCompleter.class)
    String node;

    @Argument(index = 1, name = "text", required = true, multiValued = true, description = "The text to send")
    List<String> text;

    @Reference(optional = true)
    ExampleSender sender;

    @Override
    protected Object compute() {
        NodeId to = member(node);
        ExampleSender.Outcome outcome = require(sender, "The example sender")
                .unicast(ExampleSubjects.LANE_SEND, to, String.join(" ", text), null);
        if (!outcome.sent()) {
            throw new IllegalStateException("not sent to " + to + " (" + outcome.refusal() + "): " + outcome.detail());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", true);
        result.put("node", to.id());
        result.put("subject", ExampleSubjects.MESSAGE);
        result.put("lane", outcome.lane());
        result.put("seq", outcome.seq());
        result.put("bytes", outcome.bytes());
        return result;
    }

    @Override
    protected void print(Object result, PrintStream out) {
        Map<?, ?> sent = (Map<?, ?>) result;
        out.println("Sent ExampleMessage #" + sent.get("seq") + " of lane " + sent.get("lane") + " (" + sent.get("bytes")
                + " bytes) to " + sent.get("node") + " on " + sent.get("subject"));
    }
}
