package org.cohort.core.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
 *   <li>an edit that leaves out an identity key ({@value ClusterConfig#CLUSTER_NAME},
 *       {@value ClusterConfig#NODE_ID}, {@value ClusterConfig#MEMBERS}, {@value ClusterConfig#TLS_ENABLED})
 *       which the configuration in force named: {@link Refuse} as well. Taking its default would silently
 *       make this node someone else, or turn TLS off; what such an edit usually is, is a half-written
 *       {@code etc/} file read by Karaf's file watcher (seen in the churn fault test: a node became the
 *       default single-node cluster {@code cohort}). To return such a key to its default, name the
 *       default.</li>
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

    /** Keys an edit may not leave out once the configuration in force names them. */
    static final List<String> IDENTITY_KEYS = List.of(ClusterConfig.CLUSTER_NAME, ClusterConfig.NODE_ID,
            ClusterConfig.MEMBERS, ClusterConfig.TLS_ENABLED);

    private ClusterSettings current;
    private Set<String> currentNames = Set.of();

    /**
     * Decides on a new configuration: the first one (activation) or an edit (modification) alike.
     *
     * @param properties the raw configuration properties
     * @return what to do; the settings in force are updated accordingly
     */
    Decision configure(Map<String, ?> properties) {
        Set<String> names = identityKeysNamed(properties);
        if (current != null) {
            for (String key : currentNames) {
                if (!names.contains(key)) {
                    InvalidConfigurationException e = new InvalidConfigurationException(key, "",
                            "left out by an edit of a running node; a half-written etc/" + ClusterConfig.PID
                                    + ".cfg? To return it to its default, name the default");
                    return new Refuse(e, e.getMessage() + KEEPING);
                }
            }
        }
        ClusterSettings next;
        try {
            next = ClusterSettingsParser.parse(properties);
        } catch (InvalidConfigurationException e) {
            return new Refuse(e, current == null ? e.getMessage() : e.getMessage() + KEEPING);
        }
        ClusterSettings previous = current;
        currentNames = names;
        if (next.equals(previous)) {
            return new Unchanged(Optional.of(previous));
        }
        current = next;
        if (previous == null) {
            return new Publish(next);
        }
        return sameIdentity(previous, next) ? new Update(previous, next) : new Replace(previous, next);
    }

    /** The identity keys {@code properties} name, in any case, as ConfigAdmin keys are matched. */
    private static Set<String> identityKeysNamed(Map<String, ?> properties) {
        Set<String> named = new TreeSet<>();
        for (String key : properties.keySet()) {
            for (String identityKey : IDENTITY_KEYS) {
                if (identityKey.equalsIgnoreCase(key) && properties.get(key) != null) {
                    named.add(identityKey);
                }
            }
        }
        return named;
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
        currentNames = Set.of();
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
