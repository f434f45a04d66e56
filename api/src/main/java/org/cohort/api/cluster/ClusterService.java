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
     * Adds a listener; it hears about changes from now on. To learn the members as they are now as well,
     * without missing or counting twice a change that happens meanwhile, use
     * {@link #addListener(ClusterEventListener, boolean) addListener(listener, true)} rather than reading
     * {@link #members()} first.
     *
     * @param listener the listener
     */
    void addListener(ClusterEventListener listener);

    /**
     * Adds a listener, and with {@code currentMembersFirst} tells it every member as it is now before any
     * later change, atomically with the subscription: no change is missed between the two, and none is
     * heard twice.
     *
     * <p>The current members come first, one event each, sorted by id and this node included, each as the
     * event that brought the member to its present state: {@link ClusterEvent.Type#ACTIVATED} for an
     * ACTIVE member, {@link ClusterEvent.Type#DEACTIVATED} for an INACTIVE one (never heard from, failed,
     * or {@linkplain ClusterMember#hasLeft() left}). So after the replay the listener has heard, for every
     * member, an event carrying its current state, and a listener that keeps the set of ACTIVE members
     * needs no other code for the start. No {@link ClusterEvent.Type#ADDED} is replayed: every member in
     * the replay is a member. The replay runs on the calling thread, before this method returns; later
     * events come as with {@link #addListener(ClusterEventListener)}.
     *
     * @param listener the listener
     * @param currentMembersFirst whether to tell it the current members first
     * @since 0.3
     */
    void addListener(ClusterEventListener listener, boolean currentMembersFirst);

    /**
     * Removes a listener; removing one that was never added does nothing.
     *
     * @param listener the listener
     */
    void removeListener(ClusterEventListener listener);
}
