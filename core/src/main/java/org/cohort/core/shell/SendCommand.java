package org.cohort.core.shell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.shell.NodeIdCompleter;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;

/**
 * {@code cluster:send NODE SUBJECT TEXT}: sends a plain text message through MessageSender and says what
 * the send did ({@link SendResult}); a refusal is an error line with its reason. The subject's
 * subscriber on the receiver gets it as a one-way message, whichever API it subscribed with.
 */
@Service
@Command(scope = "cluster", name = "send", description = "Sends a text message to a node, one way, to the "
        + "subject's subscriber or whiteboard handler there (subject cohort.diag is logged by the receiver); "
        + "a refusal is an error with its reason")
public class SendCommand extends ClusterAction {

    @Argument(index = 0, name = "node", required = true, description = "The receiving node's id")
    @Completion(NodeIdCompleter.class)
    String node;

    @Argument(index = 1, name = "subject", required = true, description = "The message subject, e.g. cohort.diag")
    String subject;

    @Argument(index = 2, name = "text", required = true, multiValued = true, description = "The text to send")
    List<String> text;

    @Reference(optional = true)
    MessageSender sender;

    @Override
    Object result() {
        if (sender == null) {
            throw new IllegalStateException("no MessageSender: cluster I/O is not running");
        }
        NodeId to = member(node);
        MessageSubject messageSubject;
        try {
            messageSubject = MessageSubject.of(subject);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + subject + "' is not a subject: " + e.getMessage());
        }
        byte[] payload = String.join(" ", text).getBytes(StandardCharsets.UTF_8);
        NodeId self = stats.settings().localNodeId();
        SendResult outcome = sender.trySend(to, new ClusterMessage(self, messageSubject, payload));
        if (!outcome.accepted()) {
            throw new IllegalStateException("not sent: refused by " + self + ": " + outcome + " (" + why(outcome, to)
                    + ")");
        }
        Map<String, Object> sent = new LinkedHashMap<>();
        sent.put("sent", true);
        sent.put("result", outcome.name());
        sent.put("node", to.id());
        sent.put("subject", messageSubject.value());
        sent.put("bytes", payload.length);
        return sent;
    }

    /** A refusal in an operator's words. */
    static String why(SendResult refusal, NodeId to) {
        return switch (refusal) {
            case ACCEPTED -> "accepted";
            case QUEUE_FULL -> "the outbound queue to " + to + " is full";
            case RESEND_FULL -> "the bytes sent to " + to + " and not yet acknowledged reached their bound";
            case NO_STREAM -> to + " has no live stream";
            case UNKNOWN_NODE -> to + " is not a member";
            case TOO_LARGE -> "the message is larger than message.max.bytes";
            case STOPPED -> "cluster I/O is stopping";
        };
    }

    @Override
    protected void print(Object result, PrintStream out) {
        Map<?, ?> sent = (Map<?, ?>) result;
        out.println("Sent " + sent.get("bytes") + " bytes to " + sent.get("node") + " on " + sent.get("subject") + ": "
                + sent.get("result"));
    }
}
