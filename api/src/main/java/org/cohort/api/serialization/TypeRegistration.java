package org.cohort.api.serialization;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A payload type registered under a stable type id; closing it removes the registration (it also goes
 * when the registering bundle stops).
 */
@ProviderType
public interface TypeRegistration extends AutoCloseable {

    /**
     * Returns the type id the type is registered under.
     *
     * @return the id
     */
    int typeId();

    /**
     * Returns the registered type.
     *
     * @return the type
     */
    Class<?> type();

    /** Removes the registration; closing it again does nothing. */
    @Override
    void close();
}
