package org.cohort.api.cluster;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears about changes in the cluster. Register it with {@link ClusterService#addListener}, or publish it
 * as an OSGi service (whiteboard) to be told for as long as the service lives. It is called on Cohort's
 * membership thread, one event at a time, in order per member: it must return quickly.
 */
@ConsumerType
@FunctionalInterface
public interface ClusterEventListener {

    /**
     * Called after a change.
     *
     * @param event what changed
     */
    void event(ClusterEvent event);
}
