package org.cohort.core.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.transport.StreamControl;
import org.cohort.shell.NodeIdCompleter;

/**
 * {@code cluster:disconnect [--reset] NODE}: closes the live stream to a node at once, as a network fault
 * would (what it still queued goes with it); the node is dialed again as after any closed stream. For
 * operators who want a stream re-established and for the fault tests; {@code --reset} makes the peer see a
 * TCP RST, as {@code ss -K} does, instead of an orderly close.
 */
@Service
@Command(scope = "cluster", name = "disconnect", description = "Closes the live stream to a node at once "
        + "(it is dialed again); --reset makes the peer see a TCP reset")
public class DisconnectCommand extends ClusterAction {

    @Option(name = "-r", aliases = "--reset", description = "Reset the connection (SO_LINGER 0: the peer sees an "
            + "RST) instead of closing it")
    boolean reset;

    @Argument(index = 0, name = "node", required = true, description = "The node whose stream to close")
    @Completion(NodeIdCompleter.class)
    String node;

    @Reference(optional = true)
    StreamControl streams;

    @Override
    Object result() {
        NodeId peer = member(node);
        if (peer.equals(stats.settings().localNodeId())) {
            throw new IllegalArgumentException(peer + " is this node: it has no stream to itself");
        }
        boolean closed = require(streams, "Cluster I/O").dropStream(peer, reset);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("node", peer.id());
        result.put("closed", closed);
        result.put("reset", reset);
        return result;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> figures = (Map<String, Object>) result;
        Object peer = figures.get("node");
        if (Boolean.TRUE.equals(figures.get("closed"))) {
            out.println((reset ? "Reset" : "Closed") + " the stream to " + peer + "; it is dialed again");
        } else {
            out.println("No live stream to " + peer + " (it is being dialed, or is down): nothing closed");
        }
    }
}
