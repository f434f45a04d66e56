package org.cohort.api.messaging;

import org.osgi.annotation.versioning.ProviderType;

/** One handler's hold on a subject; closing it lets go. */
@ProviderType
public interface Subscription extends AutoCloseable {

    /**
     * Returns the subject subscribed to.
     *
     * @return the subject
     */
    MessageSubject subject();

    /**
     * Removes the handler from its subject. Messages already queued on its executor are dropped rather
     * than run; a handler call already running finishes. Closing again does nothing, and never removes
     * a later subscription to the same subject.
     */
    @Override
    void close();
}
