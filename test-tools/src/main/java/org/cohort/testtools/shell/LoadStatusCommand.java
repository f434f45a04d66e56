package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
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

/**
 * {@code example:load-status [--mode M]}: the figures of the running or last load of each mode (or of
 * one): sent, refused, replies, failures by type, latency, running or not.
 */
@Service
@Command(scope = "example", name = "load-status", description = "Shows the running or last load of each "
        + "mode: sent, refused, replies, failures by type, round-trip latency")
public class LoadStatusCommand extends JsonAction {

    @Option(name = "-m", aliases = "--mode", description = "Only this mode: unicast, broadcast, request or deliver; its "
            + "figures then are the top-level JSON object")
    @Completion(value = StringsCompleter.class, values = {"unicast", "broadcast", "request", "deliver"})
    String mode;

    @Reference(optional = true)
    LoadComponent loads;

    @Override
    protected Object compute() {
        LoadComponent component = require(loads, "The load component");
        if (mode != null) {
            Mode only = Mode.parse(mode);
            return component.load(only).map(LoadRun::figures).orElseGet(() -> {
                Map<String, Object> none = new LinkedHashMap<>();
                none.put("mode", only.id());
                none.put("running", false);
                none.put("state", "NONE");
                none.put("endReason", "no " + only.id() + " load has run since the test-tools bundle started");
                return none;
            });
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (Mode each : Mode.values()) {
            component.load(each).ifPresent(run -> all.put(each.id(), run.figures()));
        }
        return all;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        Map<String, Object> figures = (Map<String, Object>) result;
        if (mode != null) {
            FigureTable.print(figures, out);
            return;
        }
        if (figures.isEmpty()) {
            out.println("No load has run since the test-tools bundle started");
            return;
        }
        String separator = "";
        for (Map.Entry<String, Object> load : figures.entrySet()) {
            out.print(separator);
            separator = System.lineSeparator();
            FigureTable.print((Map<String, Object>) load.getValue(), out);
        }
    }
}
