package org.cohort.core.membership;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MemberState.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of every configured member, built from one {@link ClusterSettings} snapshot and moved by
 * the connection manager's node events. Thread-safe.
 *
 * <p>The local node is {@link State#ACTIVE} from the start and stays so: there is no stream to itself,
 * so an event naming it is a caller bug (or a peer claiming our id) and is ignored. Every other member
 * starts {@link State#INACTIVE} with incarnation 0. Events for ids that are not members are ignored.
 *
 * <p>A change is any change of state or incarnation: a node seen again with a new incarnation while
 * still active restarted without us noticing its stream go, and is reported like a new arrival. A
 * member that said goodbye becomes inactive {@linkplain MemberState#left() left}; being detected again
 * clears that.
 * Listeners are called after each change, on the thread that reported the event and outside the
 * table's lock; since {@link org.cohort.api.cluster.ClusterNodesDelegate} never reports one node
 * concurrently, each node's changes reach listeners in order. Listeners must be quick, as that thread
 * is an IO worker.
 */
public final class MembershipTable implements MembershipView {

    private static final Logger LOG = LoggerFactory.getLogger(MembershipTable.class);

    private final NodeId localNodeId;
    private final Object lock = new Object();
    private final TreeMap<NodeId, MemberState> states = new TreeMap<>();
    private final List<Consumer<? super MemberState>> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param settings the cluster configuration whose members the table tracks
     * @param localIncarnation the incarnation this node announces in its own hellos
     * @param now when the table is built; the initial states date from then
     */
    public MembershipTable(ClusterSettings settings, long localIncarnation, Instant now) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(now, "now");
        this.localNodeId = settings.localNodeId();
        for (ControllerNode member : settings.members()) {
            boolean local = member.id().equals(localNodeId);
            states.put(member.id(), local
                    ? new MemberState(member, State.ACTIVE, localIncarnation, now)
                    : new MemberState(member, State.INACTIVE, 0L, now));
        }
    }

    /**
     * Adds a listener called with the new state after every change. A listener that throws is logged
     * and does not keep the others from being called.
     *
     * @param listener the listener
     */
    public void addListener(Consumer<? super MemberState> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Removes a listener added before; does nothing if it is not there.
     *
     * @param listener the listener
     */
    public void removeListener(Consumer<? super MemberState> listener) {
        listeners.remove(listener);
    }

    /**
     * A member completed its hello: it becomes active with the given incarnation.
     *
     * @param node the member
     * @param incarnation the incarnation its hello carried
     * @param now when the hello completed
     * @return whether the member's state or incarnation changed
     */
    public boolean nodeDetected(ControllerNode node, long incarnation, Instant now) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(now, "now");
        NodeId id = node.id();
        if (id.equals(localNodeId)) {
            LOG.warn("Ignoring a hello from {} with incarnation {}: that is this node's own id", node, incarnation);
            return false;
        }
        MemberState before;
        MemberState after = null;
        synchronized (lock) {
            before = states.get(id);
            if (before != null && !(before.isActive() && before.incarnation() == incarnation)) {
                after = new MemberState(before.node(), State.ACTIVE, incarnation, now);
                states.put(id, after);
            }
        }
        if (before == null) {
            LOG.warn("Ignoring a hello from {}: it is not a member of the cluster", node);
            return false;
        }
        if (!node.equals(before.node())) {
            LOG.warn("Node {} was reported as {}, but is configured as {}; keeping the configured address",
                    id, node, before.node());
        }
        if (incarnation < before.incarnation()) {
            LOG.warn("Node {} came back with incarnation {}, lower than the {} seen before",
                    id, incarnation, before.incarnation());
        }
        return changed(after);
    }

    /**
     * A member's stream is gone: it becomes inactive and keeps its last incarnation.
     *
     * @param nodeId the member
     * @param now when the stream went
     * @return whether the member's state changed
     */
    public boolean nodeVanished(NodeId nodeId, Instant now) {
        return deactivate(nodeId, now, false, "vanished");
    }

    /**
     * A member said goodbye and its stream closed: it becomes inactive, marked as having left, and keeps
     * its last incarnation. The mark clears when it is detected again.
     *
     * @param nodeId the member
     * @param now when the stream closed
     * @return whether the member's state changed
     */
    public boolean nodeLeft(NodeId nodeId, Instant now) {
        return deactivate(nodeId, now, true, "left");
    }

    private boolean deactivate(NodeId nodeId, Instant now, boolean left, String what) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(now, "now");
        if (nodeId.equals(localNodeId)) {
            LOG.warn("Ignoring that node {} {}: that is this node's own id", nodeId, what);
            return false;
        }
        MemberState before;
        MemberState after = null;
        synchronized (lock) {
            before = states.get(nodeId);
            if (before != null && before.isActive()) {
                after = new MemberState(before.node(), State.INACTIVE, before.incarnation(), now, left);
                states.put(nodeId, after);
            }
        }
        if (before == null) {
            LOG.warn("Ignoring that node {} {}: it is not a member of the cluster", nodeId, what);
            return false;
        }
        return changed(after);
    }

    /** Members that joined and left the configuration in one edit. */
    public record MembersChange(List<MemberState> added, List<MemberState> removed) {
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty();
        }
    }

    /**
     * The configured members changed. New members start {@link State#INACTIVE}; a member that left is
     * forgotten, and if it was active the listeners first hear that it is inactive, so that nothing keeps
     * waiting for it. A member whose address changed left and joined again.
     *
     * @param members every member now, this node included
     * @param now when the change took effect
     * @return who joined and who left, with their states as of the change
     */
    public MembersChange membersChanged(List<ControllerNode> members, Instant now) {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(now, "now");
        List<MemberState> added = new ArrayList<>();
        List<MemberState> removed = new ArrayList<>();
        List<MemberState> deactivated = new ArrayList<>();
        synchronized (lock) {
            Map<NodeId, ControllerNode> next = new HashMap<>();
            members.forEach(member -> next.put(member.id(), member));
            for (MemberState state : List.copyOf(states.values())) {
                ControllerNode stays = next.get(state.id());
                if (state.id().equals(localNodeId) || state.node().equals(stays)) {
                    continue;
                }
                states.remove(state.id());
                if (state.isActive()) {
                    MemberState inactive = new MemberState(state.node(), State.INACTIVE, state.incarnation(), now);
                    deactivated.add(inactive);
                    removed.add(inactive);
                } else {
                    removed.add(state);
                }
            }
            for (ControllerNode member : members) {
                if (!states.containsKey(member.id())) {
                    MemberState joined = new MemberState(member, State.INACTIVE, 0L, now);
                    states.put(member.id(), joined);
                    added.add(joined);
                }
            }
        }
        deactivated.forEach(this::changed);
        return new MembersChange(List.copyOf(added), List.copyOf(removed));
    }

    @Override
    public void addStateListener(Consumer<? super MemberState> listener) {
        addListener(listener);
    }

    @Override
    public void removeStateListener(Consumer<? super MemberState> listener) {
        removeListener(listener);
    }

    @Override
    public List<MemberState> states() {
        synchronized (lock) {
            return List.copyOf(states.values());
        }
    }

    @Override
    public Optional<MemberState> state(NodeId nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        synchronized (lock) {
            return Optional.ofNullable(states.get(nodeId));
        }
    }

    private boolean changed(MemberState after) {
        if (after == null) {
            return false;
        }
        for (Consumer<? super MemberState> listener : listeners) {
            try {
                listener.accept(after);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                LOG.warn("Membership listener {} failed on {}", listener, after, e);
            }
        }
        return true;
    }
}
