package org.cohort.core.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/** Records the transport's node events as "detected n2 #inc", "vanished n2" and "left n2", in order. */
public final class RecordingNodes implements ClusterNodesDelegate {

    public final List<String> events = new CopyOnWriteArrayList<>();
    public final Map<NodeId, Long> live = new ConcurrentHashMap<>();

    @Override
    public void nodeDetected(ControllerNode node, long incarnation) {
        events.add("detected " + node.id() + " #" + incarnation);
        live.put(node.id(), incarnation);
    }

    @Override
    public void nodeVanished(NodeId nodeId) {
        events.add("vanished " + nodeId);
        live.remove(nodeId);
    }

    @Override
    public void nodeLeft(NodeId nodeId) {
        events.add("left " + nodeId);
        live.remove(nodeId);
    }

    public long count(String prefix) {
        return events.stream().filter(event -> event.startsWith(prefix)).count();
    }
}
