package org.cohort.core.config;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The cluster configuration in force, as a service: the components read their settings here and
 * follow accepted edits live, without being restarted.
 *
 * <p>An edit that keeps this node's identity (cluster name, node id, its own address and port, the
 * number of IO workers) reaches the listeners; one that changes the identity replaces this service
 * instead, which restarts the components bound to it. Listeners of an edit are called one after the
 * other, {@link Stage#MEMBERSHIP} first, on the thread that delivered the edit.
 */
public interface ClusterConfiguration {

    /** When a listener hears of an edit: membership learns of new members before transport dials them. */
    enum Stage {
        MEMBERSHIP,
        TRANSPORT
    }

    /** An edit that was refused, while the configuration before it stays in force. */
    record RejectedEdit(String key, String value, String reason) {
    }

    /** @return the settings in force */
    ClusterSettings settings();

    /**
     * @return the latest refused edit, if the configuration in force was not edited successfully since;
     *     ConfigAdmin (and the .cfg file) still hold its value, which a restart would refuse again
     */
    Optional<RejectedEdit> rejectedEdit();

    /**
     * Calls the listener with the new settings after each accepted edit that keeps the identity.
     *
     * @param stage when it is called relative to the other listeners
     * @param listener the listener; it must not block for long
     */
    void addListener(Stage stage, Consumer<ClusterSettings> listener);

    /** Removes a listener added before; does nothing if it is not there. */
    void removeListener(Consumer<ClusterSettings> listener);
}
