package org.cohort.testtools.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.testtools.receive.StallGate;
import org.cohort.shell.JsonAction;

/**
 * {@code example:stall [SECONDS] [--release]}: makes this node's test-tools handlers block for SECONDS (a
 * slow consumer on purpose), ends a stall, or without arguments shows the stall figures.
 */
@Service
@Command(scope = "example", name = "stall", description = "Blocks this node's test-tools handlers for SECONDS (a slow "
        + "consumer on purpose); without SECONDS shows the stall figures")
public class StallCommand extends JsonAction {

    @Argument(index = 0, name = "seconds", description = "How long the handlers block, 1.." + StallGate.MAX_SECONDS)
    Integer seconds;

    @Option(name = "--release", description = "End the stall under way")
    boolean release;

    @Reference(optional = true)
    StallGate gate;

    @Override
    protected Object compute() {
        StallGate stall = require(gate, "The stall gate");
        if (release) {
            stall.release();
        } else if (seconds != null) {
            stall.stall(Duration.ofSeconds(seconds));
        }
        return stall.figures();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void print(Object result, PrintStream out) {
        FigureTable.print((Map<String, Object>) result, out);
    }
}
