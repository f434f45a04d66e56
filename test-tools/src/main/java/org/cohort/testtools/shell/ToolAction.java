package org.cohort.testtools.shell;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;

/**
 * What every test-tools command shares (they keep the {@code example:} scope that scripts and the fault
 * suite call): the {@code --json} switch, and turning a node id typed by
 * an operator into one clear error line. Each command computes its result once, then prints it as JSON
 * or for a human.
 */
abstract class ToolAction implements Action {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of text")
    boolean json;

    @Reference(optional = true)
    ClusterService cluster;

    @Reference
    Session session;

    @Override
    public final Object execute() throws Exception {
        Object result = compute();
        PrintStream out = session.getConsole();
        if (json) {
            out.println(Json.write(result));
        } else {
            print(result, out);
        }
        return null;
    }

    /** Does the command's work once; the result is maps, lists and values, for {@link Json}. */
    abstract Object compute() throws Exception;

    /** Prints the result of {@link #compute()} for a human. */
    abstract void print(Object result, PrintStream out) throws Exception;

    /** A service the command needs, or an error naming what is missing. */
    static <T> T require(T service, String what) {
        if (service == null) {
            throw new IllegalStateException(what + " is not running: is Cohort up? (scr:list | grep cohort, "
                    + "and data/log/karaf.log)");
        }
        return service;
    }

    /** Reads a node id an operator typed, insisting that it names a member. */
    NodeId member(String text) {
        NodeId id;
        try {
            id = NodeId.of(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a node id: " + e.getMessage());
        }
        if (require(cluster, "Cohort's ClusterService").member(id).isEmpty()) {
            throw new IllegalArgumentException(id + " is not a member of the cluster");
        }
        return id;
    }
}
