package org.cohort.core.membership;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.cohort.core.runtime.NodeRuntime;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * This node's incarnation: new at every start of Cohort on this node (microseconds since the epoch, so
 * a later start has a larger one), the same for as long as it runs. The hello carries it; membership
 * shows it.
 */
@Component(service = NodeIncarnation.class)
public class NodeIncarnation {

    private final long value;

    /** Reads the node's wall clock. */
    @Activate
    public NodeIncarnation(@Reference(name = "runtime") NodeRuntime runtime) {
        value = ChronoUnit.MICROS.between(Instant.EPOCH, runtime.clock().instant());
    }

    /** @return the incarnation */
    public long value() {
        return value;
    }
}
