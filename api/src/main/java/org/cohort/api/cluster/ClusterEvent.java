package org.cohort.api.cluster;

import java.util.Objects;
import org.osgi.annotation.versioning.ProviderType;

/** A change in the cluster as this node sees it. */
@ProviderType
public final class ClusterEvent {

    /** What changed. */
    public enum Type {
        /** A member joined the configured members (a configuration change). */
        ADDED,
        /** A member left the configured members (a configuration change). */
        REMOVED,
        /** A member became ACTIVE: its hello completed, possibly as a new incarnation. */
        ACTIVATED,
        /**
         * A member became INACTIVE: its stream closed, it fell silent, or it left (said goodbye as it
         * stopped on purpose; then {@link ClusterMember#hasLeft()} is true on the event's member).
         */
        DEACTIVATED
    }

    private final Type type;
    private final ClusterMember member;

    /**
     * Creates an event.
     *
     * @param type what changed
     * @param member the member after the change
     * @throws NullPointerException if an argument is null
     */
    public ClusterEvent(Type type, ClusterMember member) {
        this.type = Objects.requireNonNull(type, "type");
        this.member = Objects.requireNonNull(member, "member");
    }

    /** @return what changed */
    public Type type() {
        return type;
    }

    /** @return the member after the change */
    public ClusterMember member() {
        return member;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof ClusterEvent && type == ((ClusterEvent) other).type
                && member.equals(((ClusterEvent) other).member);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, member);
    }

    @Override
    public String toString() {
        return type + " " + member;
    }
}
