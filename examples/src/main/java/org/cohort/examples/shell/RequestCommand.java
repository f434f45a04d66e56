package org.cohort.examples.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.shell.NodeIdCompleter;
import org.cohort.shell.JsonAction;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.examples.message.ExampleMessage;
import org.cohort.examples.message.ExampleSubjects;
import org.cohort.examples.send.ExampleSender;

/** {@code example:request [--timeout-ms T] NODE TEXT...}: one request and its reply, with the round trip. */
@Service
@Command(scope = "example", name = "request", description = "Sends one ExampleMessage as a request on subject "
        + ExampleSubjects.ECHO + " and prints the reply and the round-trip time")
public class RequestCommand extends JsonAction {

    @Option(name = "-t", aliases = "--timeout-ms", description = "How long to wait for the reply, in ms (default 5000)")
    long timeoutMs = ClusterCommunicationService.DEFAULT_TIMEOUT.toMillis();

    @Argument(index = 0, name = "node", required = true, description = "The answering node's id (this node too)")
    @Completion(NodeIdCompleter.class)
    String node;

    @Argument(index = 1, name = "text", required = true, multiValued = true, description = "The text to send")
    List<String> text;

    @Reference(optional = true)
    ExampleSender sender;

    @Override
    protected Object compute() throws InterruptedException {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("--timeout-ms must be positive, got " + timeoutMs);
        }
        NodeId to = member(node);
        long start = System.nanoTime();
        ExampleMessage reply;
        try {
            // A shell command may wait; a handler or a listener must not (chain to the future instead).
            reply = require(sender, "The example sender").request(to, String.join(" ", text),
                    Duration.ofMillis(timeoutMs)).get();
        } catch (ExecutionException e) {
            // The cause is a MessagingException subtype that says what went wrong (timeout, unreachable...).
            throw new IllegalStateException("no reply from " + to + ": " + e.getCause(), e.getCause());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("node", reply.origin());
        result.put("subject", ExampleSubjects.ECHO);
        result.put("seq", reply.seq());
        result.put("text", reply.text());
        result.put("rttMicros", (System.nanoTime() - start) / 1_000);
        return result;
    }

    @Override
    protected void print(Object result, PrintStream out) {
        Map<?, ?> reply = (Map<?, ?>) result;
        out.println("Reply to request #" + reply.get("seq") + " from " + reply.get("node") + " in "
                + String.format(Locale.ROOT, "%.3f", ((Number) reply.get("rttMicros")).longValue() / 1_000.0) + " ms: "
                + reply.get("text"));
    }
}
