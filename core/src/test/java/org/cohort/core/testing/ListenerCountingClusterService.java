package org.cohort.core.testing;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;

/** A node's real {@link ClusterService}, passed through, counting the listeners added through it. */
public final class ListenerCountingClusterService implements ClusterService {

    private final ClusterService cluster;
    private final Set<ClusterEventListener> listeners = ConcurrentHashMap.newKeySet();

    ListenerCountingClusterService(ClusterService cluster) {
        this.cluster = cluster;
    }

    @Override
    public ClusterMember localMember() {
        return cluster.localMember();
    }

    @Override
    public List<ClusterMember> members() {
        return cluster.members();
    }

    @Override
    public Optional<ClusterMember> member(NodeId id) {
        return cluster.member(id);
    }

    @Override
    public void addListener(ClusterEventListener listener) {
        listeners.add(listener);
        cluster.addListener(listener);
    }

    @Override
    public void addListener(ClusterEventListener listener, boolean currentMembersFirst) {
        listeners.add(listener);
        cluster.addListener(listener, currentMembersFirst);
    }

    @Override
    public void removeListener(ClusterEventListener listener) {
        listeners.remove(listener);
        cluster.removeListener(listener);
    }

    /** @return the listeners added through this face and not removed */
    public int listeners() {
        return listeners.size();
    }
}
