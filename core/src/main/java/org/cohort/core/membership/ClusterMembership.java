package org.cohort.core.membership;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.cohort.api.cluster.ClusterEvent;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterNodesDelegate;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.runtime.NodeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Core's membership: the default {@link ClusterNodesDelegate}, which keeps a {@link MembershipTable} of the
 * configured members, logs each transition, offers the table read-only as {@link MembershipView} and to
 * sibling bundles as the {@link ClusterService}, and follows the configuration's member list live. Plain
 * Java: {@link MembershipComponent} holds one in Karaf, an embedded node builds one itself.
 *
 * <p>Every change to the table, and the events it causes, happen under one lock ({@code changes}), and
 * so does {@link #addListener(ClusterEventListener, boolean) adding a listener with the current members
 * first}: the replay then reads a table whose every change has been told to the listeners already, and
 * the listener joins before the next change. That is the whole of the atomicity; the listeners still run
 * on the thread that reported the change (the node-event thread, or the configuration's), one event at a
 * time.
 */
public class ClusterMembership implements ClusterNodesDelegate, MembershipView, ClusterService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final NodeClock clock;
    private final MembershipTable table;
    private final NodeId localId;
    private final List<ClusterEventListener> listeners = new CopyOnWriteArrayList<>();
    /** Held while the table changes and its events go out, and while a listener joins with a replay. */
    private final Object changes = new Object();

    private final ClusterConfiguration configuration;
    private final Consumer<ClusterSettings> configurationListener = this::configurationChanged;

    /**
     * @param configuration the configuration in force; its member-list edits are followed until {@link #close()}
     * @param localIncarnation this node's incarnation
     * @param clock stamps each change ("since")
     */
    public ClusterMembership(ClusterConfiguration configuration, long localIncarnation, NodeClock clock) {
        this.configuration = configuration;
        ClusterSettings settings = configuration.settings();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.localId = settings.localNodeId();
        this.table = new MembershipTable(settings, localIncarnation, clock.instant());
        table.addListener(ClusterMembership::logTransition);
        table.addListener(this::publish);
        LOG.debug("Membership of cluster {} started: local node {}, {} members",
                settings.clusterName(), settings.localNodeId(), settings.members().size());
        configuration.addListener(ClusterConfiguration.Stage.MEMBERSHIP, configurationListener);
    }

    /** Stops following the configuration. */
    @Override
    public void close() {
        configuration.removeListener(configurationListener);
    }

    private void configurationChanged(ClusterSettings next) {
        synchronized (changes) {
            membersChanged(next);
        }
    }

    private void membersChanged(ClusterSettings next) {
        MembershipTable.MembersChange change = table.membersChanged(next.members(), clock.instant());
        for (MemberState removed : change.removed()) {
            LOG.info("Node {} is no longer a member", removed.node());
            publish(new ClusterEvent(ClusterEvent.Type.REMOVED, toMember(removed)));
        }
        for (MemberState added : change.added()) {
            LOG.info("Node {} is a new member", added.node());
            publish(new ClusterEvent(ClusterEvent.Type.ADDED, toMember(added)));
        }
    }

    @Override
    public void nodeDetected(ControllerNode node, long incarnation) {
        synchronized (changes) {
            table.nodeDetected(node, incarnation, clock.instant());
        }
    }

    @Override
    public void nodeVanished(NodeId nodeId) {
        synchronized (changes) {
            table.nodeVanished(nodeId, clock.instant());
        }
    }

    /** The member said goodbye: INACTIVE and {@linkplain ClusterMember#hasLeft() left} at once. */
    @Override
    public void nodeLeft(NodeId nodeId) {
        synchronized (changes) {
            table.nodeLeft(nodeId, clock.instant());
        }
    }

    @Override
    public List<MemberState> states() {
        return table.states();
    }

    @Override
    public Optional<MemberState> state(NodeId nodeId) {
        return table.state(nodeId);
    }

    @Override
    public ClusterMember localMember() {
        return member(localId).orElseThrow();
    }

    @Override
    public List<ClusterMember> members() {
        return table.states().stream().map(this::toMember).toList();
    }

    @Override
    public Optional<ClusterMember> member(NodeId nodeId) {
        return table.state(nodeId).map(this::toMember);
    }

    @Override
    public void addListener(ClusterEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Tells the listener each member as the event that brought it to its state now (ACTIVATED or
     * DEACTIVATED), then adds it, both under the lock every change is made and told under: see the
     * class comment.
     */
    @Override
    public void addListener(ClusterEventListener listener, boolean currentMembersFirst) {
        Objects.requireNonNull(listener, "listener");
        if (!currentMembersFirst) {
            addListener(listener);
            return;
        }
        synchronized (changes) {
            for (MemberState state : table.states()) {
                tell(listener, event(state));
            }
            addListener(listener);
        }
    }

    @Override
    public void removeListener(ClusterEventListener listener) {
        listeners.remove(listener);
    }

    private ClusterMember toMember(MemberState state) {
        boolean local = state.id().equals(localId);
        return new ClusterMember(state.node(), local || state.isActive() ? NodeState.ACTIVE : NodeState.INACTIVE,
                state.since(), state.incarnation(), local, state.left());
    }

    private ClusterEvent event(MemberState state) {
        return new ClusterEvent(state.isActive() ? ClusterEvent.Type.ACTIVATED : ClusterEvent.Type.DEACTIVATED,
                toMember(state));
    }

    private void publish(MemberState state) {
        publish(event(state));
    }

    private void publish(ClusterEvent event) {
        for (ClusterEventListener listener : listeners) {
            tell(listener, event);
        }
    }

    private static void tell(ClusterEventListener listener, ClusterEvent event) {
        try {
            listener.event(event);
        } catch (RuntimeException e) {
            LOG.warn("Cluster event listener {} failed on {}: {}", listener, event, e.toString());
        }
    }

    @Override
    public void addStateListener(Consumer<? super MemberState> listener) {
        table.addListener(listener);
    }

    @Override
    public void removeStateListener(Consumer<? super MemberState> listener) {
        table.removeListener(listener);
    }

    private static void logTransition(MemberState state) {
        if (state.isActive()) {
            LOG.info("Node {} is ACTIVE (incarnation {})", state.id(), state.incarnation());
        } else {
            LOG.info("Node {} is INACTIVE", state.id());
        }
    }
}
