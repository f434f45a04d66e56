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
import org.cohort.api.messaging.SendResult;
import org.cohort.examples.message.ExampleSubjects;
import org.cohort.examples.send.ExampleSender;
import org.cohort.shell.JsonAction;
import org.cohort.shell.NodeIdCompleter;

/**
 * {@code example:send NODE TEXT...}: one typed message, one way, to one node; the receiver logs it. It
 * prints what the send did ({@link SendResult}); a refusal is an error line with its reason.
 */
@Service
@Command(scope = "example", name = "send", description = "Sends one ExampleMessage to a node, one way, on subject "
        + ExampleSubjects.MESSAGE + "; the receiver logs it (a refusal is an error, with its reason)")
public class SendCommand extends JsonAction {

    @Argument(index = 0, name = "node", required = true, description = "The receiving node's id (this node too)")
    @Completion(NodeIdCompleter.class)
    String node;

    @Argument(index = 1, name = "text", required = true, multiValued = true, description = "The text to send")
    List<String> text;

    // Optional, so that the command says what is missing instead of not existing at all.
    @Reference(optional = true)
    ExampleSender sender;

    @Override
    protected Object compute() {
        NodeId to = member(node);
        ExampleSender.Sent sent = require(sender, "The example sender").send(to, String.join(" ", text));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sent", true);
        // ExampleSender.send returns only for an accepted message; a refusal is its exception, with the reason.
        result.put("result", SendResult.ACCEPTED.name());
        result.put("node", to.id());
        result.put("subject", ExampleSubjects.MESSAGE);
        result.put("seq", sent.seq());
        result.put("bytes", sent.bytes());
        return result;
    }

    @Override
    protected void print(Object result, PrintStream out) {
        Map<?, ?> sent = (Map<?, ?>) result;
        out.println("Sent ExampleMessage #" + sent.get("seq") + " (" + sent.get("bytes") + " bytes) to "
                + sent.get("node") + " on " + sent.get("subject") + ": " + sent.get("result"));
    }
}
