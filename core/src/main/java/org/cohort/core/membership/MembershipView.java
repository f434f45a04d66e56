package org.cohort.core.membership;

import java.util.List;
import java.util.Optional;
import org.cohort.api.cluster.NodeId;

/** Read-only view of the cluster membership, for the shell and other core components. */
public interface MembershipView {

    /**
     * Returns every member, this node included, sorted by id.
     *
     * @return a snapshot of the members' states
     */
    List<MemberState> members();

    /**
     * Returns the state of one member.
     *
     * @param nodeId the member's id
     * @return its state, or empty if the id is not a member
     */
    Optional<MemberState> member(NodeId nodeId);
}
