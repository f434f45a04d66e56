package org.cohort.core.shell;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import org.cohort.core.transport.PeerStats;

/** {@code cluster:send NODE SUBJECT TEXT}: sends a text message through MessageSender. */
@Service
@Command(scope = "cluster", name = "send", description = "Sends a text message to a node "
        + "(subject cohort.diag is logged by the receiver)")
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
        ClusterMessage message = new ClusterMessage(stats.settings().localNodeId(), messageSubject, payload);
        if (!sender.send(to, message)) {
            PeerStats peer = stats.peers().get(to);
            String why = peer != null && !peer.connected() ? to + " has no live stream"
                    : "the outbound queue to " + to + " is full";
            throw new IllegalStateException("not sent: " + why);
        }
        return Map.of("sent", true, "node", to.id(), "subject", messageSubject.value(), "bytes", payload.length);
    }

    @Override
    protected void print(Object result, PrintStream out) {
        Map<?, ?> sent = (Map<?, ?>) result;
        out.println("Sent " + sent.get("bytes") + " bytes to " + sent.get("node") + " on " + sent.get("subject"));
    }
}
