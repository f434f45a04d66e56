package org.cohort.core.membership;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.cohort.api.cluster.NodeId;

/** Read-only view of the cluster membership, for the shell and other core components. */
public interface MembershipView {

    /**
     * Returns every member, this node included, sorted by id.
     *
     * @return a snapshot of the members' states
     */
    List<MemberState> states();

    /**
     * Returns the state of one member.
     *
     * @param nodeId the member's id
     * @return its state, or empty if the id is not a member
     */
    Optional<MemberState> state(NodeId nodeId);

    /**
     * Adds a listener called with a member's new state after every change, on the thread that reported
     * the change (the node-event thread); it must be quick. A listener that throws is logged.
     *
     * @param listener the listener
     */
    void addStateListener(Consumer<? super MemberState> listener);

    /**
     * Removes a listener added before; does nothing if it is not there.
     *
     * @param listener the listener
     */
    void removeStateListener(Consumer<? super MemberState> listener);
}
