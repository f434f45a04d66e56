package org.cohort.core.shell;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.transport.ClusterStatus;

/**
 * What every {@code cluster:} command shares: the {@code --json} switch, the running cluster I/O, and
 * turning a node id typed by an operator into one clear error line.
 */
abstract class ClusterAction implements Action {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of a table")
    boolean json;

    @Reference(optional = true)
    ClusterStatus status;

    @Reference
    Session session;

    @Override
    public final Object execute() throws Exception {
        if (status == null) {
            throw new IllegalStateException("Cluster I/O is not running: check etc/org.cohort.cluster.cfg and "
                    + "data/log/karaf.log");
        }
        PrintStream out = session.getConsole();
        if (json) {
            out.println(Json.write(toJson()));
        } else {
            printTable(out);
        }
        return null;
    }

    /** The command's result as maps, lists and values, for {@link Json}. */
    abstract Object toJson() throws Exception;

    /** The command's result for a human. */
    abstract void printTable(PrintStream out) throws Exception;

    /** Reads a node id an operator typed, insisting that it names a member. */
    NodeId member(String text) {
        NodeId id;
        try {
            id = NodeId.of(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a node id: " + e.getMessage());
        }
        if (status.settings().member(id).isEmpty()) {
            throw new IllegalArgumentException(id + " is not a member of cluster " + status.settings().clusterName());
        }
        return id;
    }
}
