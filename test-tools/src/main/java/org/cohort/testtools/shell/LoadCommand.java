package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.testtools.load.LoadComponent;
import org.cohort.testtools.load.LoadRun;
import org.cohort.testtools.load.LoadSettings;
import org.cohort.testtools.load.LoadSettings.Mode;
import org.cohort.testtools.send.LaneSender;
import org.cohort.shell.JsonAction;
import org.cohort.shell.NodeIdCompleter;

/**
 * {@code example:load --mode M --rate R --duration S [--size B] [--timeout-ms T] [--wait] [NODE...]}:
 * starts a bounded background load and returns at once, or with {@code --wait} when it is done, with its
 * summary.
 */
@Service
@Command(scope = "example", name = "load", description = "Starts a bounded background load of test-tools messages "
        + "(one per mode at a time): unicast, request or deliver (one-way through "
        + "deliver futures) to the NODEs in turn (default: every other member), or "
        + "broadcast")
public class LoadCommand extends JsonAction {

    @Option(name = "-m", aliases = "--mode", required = true, description = "unicast, broadcast, request or deliver")
    @Completion(value = StringsCompleter.class, values = {"unicast", "broadcast", "request", "deliver"})
    String mode;

    @Option(name = "-r", aliases = "--rate", required = true, description = "Messages per second in total, 1.."
            + LoadSettings.MAX_RATE)
    int rate;

    @Option(name = "-d", aliases = "--duration", required = true, description = "Seconds, 1.."
            + LoadSettings.MAX_DURATION_SECONDS)
    int duration;

    @Option(name = "-s", aliases = "--size", description = "Padding bytes per message, 0.." + LoadSettings.MAX_SIZE_BYTES
            + " (default 0)")
    int size;

    @Option(name = "-t", aliases = "--timeout-ms", description = "Request timeout (request mode), or the wait for the "
            + "last outcomes (deliver mode), in ms, 1.." + LoadSettings.MAX_TIMEOUT_MS + " (default 5000)")
    int timeoutMs = (int) ClusterCommunicationService.DEFAULT_TIMEOUT.toMillis();

    @Option(name = "-w", aliases = "--wait", description = "Wait until the load is done and print its summary")
    boolean await;

    @Argument(index = 0, name = "nodes", multiValued = true, description = "The receiving nodes (unicast, request)")
    @Completion(NodeIdCompleter.class)
    List<String> nodes;

    @Reference(optional = true)
    LoadComponent loads;

    @Reference(optional = true)
    LaneSender sender;

    @Override
    protected Object compute() throws InterruptedException {
        Mode loadMode = Mode.parse(mode);
        List<NodeId> targets = new ArrayList<>();
        if (nodes != null) {
            for (String node : nodes) {
                targets.add(member(node));
            }
        }
        if (targets.isEmpty() && loadMode != Mode.BROADCAST) {
            targets.addAll(require(sender, "The lane sender").otherMembers());
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("this node is the only member: name the node(s) to load");
            }
        }
        LoadSettings settings = new LoadSettings(loadMode, rate, duration, size, Duration.ofMillis(timeoutMs), targets);
        LoadRun run = require(loads, "The load component").start(settings);
        if (await && !run.awaitDone(LoadComponent.longestRunMillis(settings))) {
            // Cannot happen unless the load thread hangs: its own bounds are shorter.
            throw new IllegalStateException("the " + loadMode.id() + " load did not end in time; see "
                    + "example:load-status --mode " + loadMode.id());
        }
        return run.figures();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> figures = (Map<String, Object>) result;
        if (await) {
            FigureTable.print(figures, out);
            return;
        }
        Object to = "broadcast".equals(figures.get("mode")) ? "every other ACTIVE member"
                : String.join(", ", (List<String>) figures.get("targets"));
        out.println("Started a " + figures.get("mode") + " load: " + figures.get("rate") + "/s for "
                + figures.get("durationSeconds") + " s (" + figures.get("planned") + " messages, "
                + figures.get("sizeBytes") + " padding bytes each) to " + to + ". Follow it with example:load-status "
                + "--mode " + figures.get("mode") + "; stop it with example:load-stop --mode " + figures.get("mode"));
    }
}
