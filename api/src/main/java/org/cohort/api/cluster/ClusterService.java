package org.cohort.api.cluster;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** The members of the cluster and their state as this node sees them, and the changes as they happen. */
@ProviderType
public interface ClusterService {

    /**
     * Returns this node, always ACTIVE to itself.
     *
     * @return the local member
     */
    ClusterMember localMember();

    /**
     * Returns every member, this node included, sorted by id.
     *
     * @return the members
     */
    List<ClusterMember> members();

    /**
     * Returns one member.
     *
     * @param id the member's id
     * @return the member, or empty if no member has that id
     */
    Optional<ClusterMember> member(NodeId id);

    /**
     * Adds a listener; it hears about changes from now on.
     *
     * @param listener the listener
     */
    void addListener(ClusterEventListener listener);

    /**
     * Removes a listener; removing one that was never added does nothing.
     *
     * @param listener the listener
     */
    void removeListener(ClusterEventListener listener);
}
