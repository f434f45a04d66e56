package org.cohort.api.cluster;

import java.time.Instant;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A member of the cluster as this node sees it at one moment: its state, since when, its incarnation, and
 * whether it left.
 *
 * <p>A member that stopped its cluster I/O on purpose (bundle stop, feature uninstall, Karaf shutdown)
 * says goodbye on its streams first: its peers see it {@link NodeState#INACTIVE} at once, with
 * {@link #hasLeft()} true, instead of after the failure detector's verdict. A member that left is told
 * apart from one that failed by that flag alone, not by another state, so that code switching over
 * {@link NodeState} or {@link ClusterEvent.Type} keeps working and hears a departure as the
 * {@link ClusterEvent.Type#DEACTIVATED} it already handles. The flag clears when the member is heard from
 * again.
 */
@ProviderType
public final class ClusterMember {

    private final ControllerNode node;
    private final NodeState state;
    private final Instant since;
    private final long incarnation;
    private final boolean local;
    private final boolean left;

    /**
     * Creates a member snapshot of a member that did not leave.
     *
     * @param node the member
     * @param state its state
     * @param since when it entered that state
     * @param incarnation the incarnation its last hello carried (0 if never heard from); new at every start
     * @param local whether it is this node (always ACTIVE to itself)
     * @throws NullPointerException if node, state or since is null
     */
    public ClusterMember(ControllerNode node, NodeState state, Instant since, long incarnation, boolean local) {
        this(node, state, since, incarnation, local, false);
    }

    /**
     * Creates a member snapshot.
     *
     * @param node the member
     * @param state its state
     * @param since when it entered that state
     * @param incarnation the incarnation its last hello carried (0 if never heard from); new at every start
     * @param local whether it is this node (always ACTIVE to itself)
     * @param left whether it is INACTIVE because it said goodbye (it stopped on purpose)
     * @throws NullPointerException if node, state or since is null
     * @throws IllegalArgumentException if left is true and state is not INACTIVE
     * @since 0.3
     */
    public ClusterMember(ControllerNode node, NodeState state, Instant since, long incarnation, boolean local,
            boolean left) {
        this.node = Objects.requireNonNull(node, "node");
        this.state = Objects.requireNonNull(state, "state");
        this.since = Objects.requireNonNull(since, "since");
        this.incarnation = incarnation;
        this.local = local;
        if (left && state != NodeState.INACTIVE) {
            throw new IllegalArgumentException("a member that left is INACTIVE, not " + state);
        }
        this.left = left;
    }

    /** @return the member */
    public ControllerNode node() {
        return node;
    }

    /** @return the member's id */
    public NodeId id() {
        return node.id();
    }

    /** @return its state */
    public NodeState state() {
        return state;
    }

    /** @return when it entered its state */
    public Instant since() {
        return since;
    }

    /** @return the incarnation its last hello carried, 0 if never heard from */
    public long incarnation() {
        return incarnation;
    }

    /** @return whether it is this node */
    public boolean isLocal() {
        return local;
    }

    /**
     * Whether the member is INACTIVE because it left: it said goodbye before closing its streams (it
     * stopped on purpose), rather than failing, being cut off or falling silent. False while it is ACTIVE.
     *
     * @return whether it left
     * @since 0.3
     */
    public boolean hasLeft() {
        return left;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ClusterMember)) {
            return false;
        }
        ClusterMember that = (ClusterMember) other;
        return incarnation == that.incarnation && local == that.local && left == that.left && node.equals(that.node)
                && state == that.state && since.equals(that.since);
    }

    @Override
    public int hashCode() {
        return Objects.hash(node, state, since, incarnation, local, left);
    }

    @Override
    public String toString() {
        return node + " " + state + (left ? " (left)" : "") + " since " + since + " (incarnation " + incarnation + (local ? ", local)" : ")");
    }
}
