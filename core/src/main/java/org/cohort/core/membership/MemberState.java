package org.cohort.core.membership;

import java.time.Instant;
import java.util.Objects;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;

/**
 * What this node believes about one cluster member at one moment.
 *
 * @param node the member, as configured locally
 * @param state whether it has a live stream (or is this node)
 * @param incarnation the incarnation its last hello carried; 0 when it has never been seen
 * @param since when the state or the incarnation last changed (for a member never seen: when the
 *     membership table was built)
 * @param left whether it is inactive because it said goodbye on its stream (it stopped on purpose), not
 *     because the stream was lost; cleared when it is heard from again
 */
public record MemberState(ControllerNode node, State state, long incarnation, Instant since, boolean left) {

    /** Whether a member is reachable. */
    public enum State {
        /** Its hello completed and its stream is up; the local node is always active. */
        ACTIVE,
        /** It has no stream: never seen, or its stream is gone. */
        INACTIVE
    }

    public MemberState {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        if (left && state != State.INACTIVE) {
            throw new IllegalArgumentException("a member that left is INACTIVE, not " + state);
        }
    }

    /** A member that did not leave. */
    public MemberState(ControllerNode node, State state, long incarnation, Instant since) {
        this(node, state, incarnation, since, false);
    }

    /** Returns the member's id. */
    public NodeId id() {
        return node.id();
    }

    /** Returns whether the member is {@link State#ACTIVE}. */
    public boolean isActive() {
        return state == State.ACTIVE;
    }
}
