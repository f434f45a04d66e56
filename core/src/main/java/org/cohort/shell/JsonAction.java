package org.cohort.shell;

import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.console.Session;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * What every {@code cluster:} and {@code example:} command shares: the {@code -j/--json} switch, and
 * turning a node id typed by an operator into one clear error line. Each command computes its result
 * once, as maps, lists and values, then prints it as JSON ({@link CommandJson}) or for a human.
 */
@ConsumerType
public abstract class JsonAction implements Action {

    @Option(name = "-j", aliases = "--json", description = "Print JSON instead of text")
    protected boolean json;

    @Reference(optional = true)
    protected ClusterService cluster;

    @Reference
    protected Session session;

    @Override
    public final Object execute() throws Exception {
        Object result = compute();
        PrintStream out = session.getConsole();
        if (json) {
            out.println(CommandJson.write(result));
        } else {
            print(result, out);
        }
        return null;
    }

    /**
     * Does the command's work once.
     *
     * @return maps, lists and values, for {@link CommandJson}
     * @throws Exception an error line for the operator
     */
    protected abstract Object compute() throws Exception;

    /**
     * Prints the result of {@link #compute()} for a human.
     *
     * @param result what {@link #compute()} returned
     * @param out the console
     * @throws Exception an error line for the operator
     */
    protected abstract void print(Object result, PrintStream out) throws Exception;

    /**
     * Returns a service the command needs, or fails with an error naming what is missing.
     *
     * @param service the service, null when it is not there
     * @param what what to call it in the error line
     * @param <T> the service's type
     * @return the service
     */
    protected static <T> T require(T service, String what) {
        if (service == null) {
            throw new IllegalStateException(what + " is not running: is Cohort up? (scr:list | grep cohort, "
                    + "and data/log/karaf.log)");
        }
        return service;
    }

    /**
     * Names the cluster in the error line for a node that is not a member.
     *
     * @return "the cluster", or "cluster NAME" where a command knows the name
     */
    protected String clusterLabel() {
        return "the cluster";
    }

    /**
     * Reads a node id an operator typed, insisting that it names a member.
     *
     * @param text what the operator typed
     * @return the member's id
     */
    protected NodeId member(String text) {
        NodeId id;
        try {
            id = NodeId.of(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a node id: " + e.getMessage());
        }
        if (require(cluster, "Cohort's ClusterService").member(id).isEmpty()) {
            throw new IllegalArgumentException(id + " is not a member of " + clusterLabel());
        }
        return id;
    }
}
