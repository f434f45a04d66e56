package org.cohort.core.jmx;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.core.membership.MemberState;
import org.cohort.core.membership.MembershipView;

/**
 * A membership whose members join and leave at the test's word, telling its listeners or, to stand for
 * a change that raises no event, not.
 */
final class FakeMembership implements MembershipView, ClusterService {

    private final NodeId localId;
    private final TreeMap<NodeId, MemberState> states = new TreeMap<>();
    final List<ClusterEventListener> listeners = new CopyOnWriteArrayList<>();

    FakeMembership(ControllerNode local) {
        localId = local.id();
        states.put(local.id(), new MemberState(local, MemberState.State.ACTIVE, 1L, Instant.now()));
    }

    synchronized void join(ControllerNode node) {
        MemberState state = new MemberState(node, MemberState.State.INACTIVE, 0L, Instant.now());
        states.put(node.id(), state);
        tell(state);
    }

    void leave(NodeId id, boolean tell) {
        MemberState state;
        synchronized (this) {
            state = states.remove(id);
        }
        if (tell) {
            tell(state);
        }
    }

    private void tell(MemberState state) {
        // The event type does not matter to the MBeans: any event brings them up to date.
        ClusterEvent event = new ClusterEvent(ClusterEvent.Type.DEACTIVATED, member(state));
        listeners.forEach(listener -> listener.event(event));
    }

    private ClusterMember member(MemberState state) {
        return new ClusterMember(state.node(), state.isActive() ? NodeState.ACTIVE : NodeState.INACTIVE,
                state.since(), state.incarnation(), state.id().equals(localId));
    }

    @Override
    public synchronized List<MemberState> states() {
        return List.copyOf(states.values());
    }

    @Override
    public synchronized Optional<MemberState> state(NodeId nodeId) {
        return Optional.ofNullable(states.get(nodeId));
    }

    @Override
    public void addStateListener(Consumer<? super MemberState> listener) {
        throw new UnsupportedOperationException("the MBeans follow ClusterService events");
    }

    @Override
    public void removeStateListener(Consumer<? super MemberState> listener) {
        throw new UnsupportedOperationException("the MBeans follow ClusterService events");
    }

    @Override
    public ClusterMember localMember() {
        return member(localId).orElseThrow();
    }

    @Override
    public List<ClusterMember> members() {
        return states().stream().map(this::member).toList();
    }

    @Override
    public Optional<ClusterMember> member(NodeId id) {
        return state(id).map(this::member);
    }

    @Override
    public void addListener(ClusterEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void addListener(ClusterEventListener listener, boolean currentMembersFirst) {
        if (currentMembersFirst) {
            throw new UnsupportedOperationException("not needed by the JMX tests");
        }
        addListener(listener);
    }

    @Override
    public void removeListener(ClusterEventListener listener) {
        listeners.remove(listener);
    }
}
