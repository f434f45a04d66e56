package org.cohort.core.config;

import java.util.Map;
import java.util.Optional;

/**
 * Decides what {@link ClusterConfigComponent} does with each configuration ConfigAdmin hands it, and
 * remembers the settings in force. Free of OSGi, so the rules are tested without a framework:
 *
 * <ul>
 *   <li>a valid configuration while none is in force: {@link Publish} it;</li>
 *   <li>a valid configuration equal to the one in force: {@link Unchanged}, do nothing;</li>
 *   <li>a valid configuration that differs but keeps this node's identity (cluster name, node id, own
 *       address and port, IO workers, TLS): {@link Update} the one in force, live;</li>
 *   <li>a valid configuration that changes the identity: {@link Replace} the one in force;</li>
 *   <li>an invalid configuration: {@link Refuse}, log one line and change nothing: if none is in force,
 *       nothing starts; if one is, it keeps running;</li>
 *   <li>the configuration goes away: {@link Withdraw} the one in force, if any.</li>
 * </ul>
 *
 * <p>Not thread-safe: the component calls it under its own lock.
 */
final class SettingsHolder {

    /** What to do. */
    sealed interface Decision permits Publish, Update, Replace, Unchanged, Refuse, Withdraw {
    }

    /** Publish {@code settings}; none was in force. */
    record Publish(ClusterSettings settings) implements Decision {
    }

    /** Put {@code next} in force in place of {@code previous}; the identity is the same. */
    record Update(ClusterSettings previous, ClusterSettings next) implements Decision {
    }

    /** Withdraw {@code previous}, then publish {@code next}: the identity changed. */
    record Replace(ClusterSettings previous, ClusterSettings next) implements Decision {
    }

    /** Do nothing: the configuration is the one in force, or there is none to withdraw. */
    record Unchanged(Optional<ClusterSettings> current) implements Decision {
    }

    /** Log {@code logLine} as an error and change nothing. */
    record Refuse(InvalidConfigurationException error, String logLine) implements Decision {
    }

    /** Withdraw {@code previous}; nothing is in force after it. */
    record Withdraw(ClusterSettings previous) implements Decision {
    }

    /** Appended to the error line when an invalid edit leaves the running configuration in force. */
    static final String KEEPING = "; keeping the running configuration";

    private ClusterSettings current;

    /**
     * Decides on a new configuration: the first one (activation) or an edit (modification) alike.
     *
     * @param properties the raw configuration properties
     * @return what to do; the settings in force are updated accordingly
     */
    Decision configure(Map<String, ?> properties) {
        ClusterSettings next;
        try {
            next = ClusterSettingsParser.parse(properties);
        } catch (InvalidConfigurationException e) {
            return new Refuse(e, current == null ? e.getMessage() : e.getMessage() + KEEPING);
        }
        ClusterSettings previous = current;
        if (next.equals(previous)) {
            return new Unchanged(Optional.of(previous));
        }
        current = next;
        if (previous == null) {
            return new Publish(next);
        }
        return sameIdentity(previous, next) ? new Update(previous, next) : new Replace(previous, next);
    }

    /** Whether two configurations describe the same node: what cannot change while its streams run. */
    static boolean sameIdentity(ClusterSettings a, ClusterSettings b) {
        return a.clusterName().equals(b.clusterName()) && a.localNodeId().equals(b.localNodeId())
                && a.localNode().equals(b.localNode()) && a.ioWorkers() == b.ioWorkers() && a.tls().equals(b.tls());
    }

    /**
     * Decides on the configuration going away (deactivation).
     *
     * @return {@link Withdraw} if settings were in force, else {@link Unchanged}
     */
    Decision clear() {
        ClusterSettings previous = current;
        current = null;
        return previous == null ? new Unchanged(Optional.empty()) : new Withdraw(previous);
    }

    /**
     * Returns the settings in force.
     *
     * @return the settings, or empty if none were ever valid or they were withdrawn
     */
    Optional<ClusterSettings> current() {
        return Optional.ofNullable(current);
    }
}
