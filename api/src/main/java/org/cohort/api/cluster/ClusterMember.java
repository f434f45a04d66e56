package org.cohort.api.cluster;

import java.time.Instant;
import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/** A member of the cluster as this node sees it at one moment: its state, since when, and its incarnation. */
@ProviderType
public final class ClusterMember {

    private final ControllerNode node;
    private final NodeState state;
    private final Instant since;
    private final long incarnation;
    private final boolean local;

    /**
     * Creates a member snapshot.
     *
     * @param node the member
     * @param state its state
     * @param since when it entered that state
     * @param incarnation the incarnation its last hello carried (0 if never heard from); new at every start
     * @param local whether it is this node (always ACTIVE to itself)
     * @throws NullPointerException if node, state or since is null
     */
    public ClusterMember(ControllerNode node, NodeState state, Instant since, long incarnation, boolean local) {
        this.node = Objects.requireNonNull(node, "node");
        this.state = Objects.requireNonNull(state, "state");
        this.since = Objects.requireNonNull(since, "since");
        this.incarnation = incarnation;
        this.local = local;
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

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ClusterMember)) {
            return false;
        }
        ClusterMember that = (ClusterMember) other;
        return incarnation == that.incarnation && local == that.local && node.equals(that.node)
                && state == that.state && since.equals(that.since);
    }

    @Override
    public int hashCode() {
        return Objects.hash(node, state, since, incarnation, local);
    }

    @Override
    public String toString() {
        return node + " " + state + " since " + since + " (incarnation " + incarnation + (local ? ", local)" : ")");
    }
}
