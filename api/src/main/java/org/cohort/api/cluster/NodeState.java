package org.cohort.api.cluster;

/** Whether a member is reachable now: it has a live stream whose heartbeats arrive. */
public enum NodeState {
    /** Connected and heard from. */
    ACTIVE,
    /** No live stream, or silent past the failure detector's threshold. */
    INACTIVE
}
