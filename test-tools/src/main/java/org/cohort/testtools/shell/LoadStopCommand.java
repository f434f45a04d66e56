package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.cohort.testtools.load.LoadComponent;
import org.cohort.testtools.load.LoadRun;
import org.cohort.testtools.load.LoadSettings.Mode;
import org.cohort.shell.JsonAction;

/** {@code example:load-stop [--mode M]}: stops the running load of a mode, or all running loads. */
@Service
@Command(scope = "example", name = "load-stop", description = "Stops the running load of a mode, or all")
public class LoadStopCommand extends JsonAction {

    @Option(name = "-m", aliases = "--mode", description = "unicast, broadcast, request or deliver (default: all)")
    @Completion(value = StringsCompleter.class, values = {"unicast", "broadcast", "request", "deliver"})
    String mode;

    @Reference(optional = true)
    LoadComponent loads;

    @Override
    protected Object compute() {
        Mode only = mode == null ? null : Mode.parse(mode);
        List<String> stopped = new ArrayList<>();
        for (LoadRun run : require(loads, "The load component").stop(only)) {
            stopped.add(run.settings().mode().id());
        }
        return Map.of("stopped", stopped);
    }

    @Override
    protected void print(Object result, PrintStream out) {
        List<?> stopped = (List<?>) ((Map<?, ?>) result).get("stopped");
        out.println(stopped.isEmpty() ? "No " + (mode == null ? "" : mode + " ") + "load was running"
                : "Stopped the " + String.join(", ", stopped.stream().map(String::valueOf).toList()) + " load(s); "
                        + "example:load-status shows their figures");
    }
}
