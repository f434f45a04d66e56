package org.cohort.api.cluster;

import org.osgi.annotation.versioning.ProviderType;

/** Whether a member is reachable now: it has a live stream whose heartbeats arrive. */
@ProviderType
public enum NodeState {
    /** Connected and heard from. */
    ACTIVE,
    /** No live stream, or silent past the failure detector's threshold. */
    INACTIVE
}
