package org.cohort.core.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.cohort.api.cluster.NodeId;
import org.osgi.service.component.annotations.Component;

/** The last round-trip time measured to each node ({@code cluster:ping}), shown by {@code cluster:nodes}. */
@Component(service = RoundTripTimes.class)
public class RoundTripTimes {

    private final Map<NodeId, Duration> last = new ConcurrentHashMap<>();

    public void record(NodeId node, Duration roundTrip) {
        last.put(node, roundTrip);
    }

    public Optional<Duration> last(NodeId node) {
        return Optional.ofNullable(last.get(node));
    }
}
