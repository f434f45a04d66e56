package org.cohort.core.runtime;

import java.util.function.Supplier;
import org.osgi.service.component.annotations.Component;

/**
 * Publishes the node's production {@link NodeRuntime} to the other DS components, which take their
 * clock, randomness, executors and transport from it. It owns no thread: whoever asks the scheduling for
 * an executor or a timer stops it.
 */
@Component(service = NodeRuntime.class)
public class NodeRuntimeComponent implements NodeRuntime {

    private final NodeRuntime runtime = NodeRuntime.production();

    @Override
    public NodeClock clock() {
        return runtime.clock();
    }

    @Override
    public Randomness randomness() {
        return runtime.randomness();
    }

    @Override
    public Scheduling scheduling() {
        return runtime.scheduling();
    }

    @Override
    public Supplier<StreamTransport> transport() {
        return runtime.transport();
    }
}
