package org.cohort.core.shell;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.cohort.core.config.ClusterConfiguration;
import org.cohort.core.config.ClusterConfiguration.RejectedEdit;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.SettingsProperties;

/**
 * {@code cluster:config}: the configuration in force, keyed exactly by the keys of
 * {@code etc/org.cohort.cluster.cfg}, so that what it prints is what {@code config:property-set -p
 * org.cohort.cluster KEY VALUE} takes. An edit that was refused is shown as pending, with the reason:
 * the file still holds it, and a restart would refuse it again.
 */
@Service
@Command(scope = "cluster", name = "config", description = "Shows the cluster configuration in force, and any"
        + " refused edit still pending in etc/org.cohort.cluster.cfg")
public class ConfigCommand extends ClusterAction {

    /** Keys whose values are never printed. */
    static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|passphrase).*");
    static final String MASK = "********";

    @Reference(optional = true)
    ClusterConfiguration configuration;

    private ClusterSettings inForce() {
        return configuration != null ? configuration.settings() : stats.settings();
    }

    private Optional<RejectedEdit> pending() {
        return configuration == null ? Optional.empty() : configuration.rejectedEdit();
    }

    /** The values in force, secrets masked. */
    static Map<String, Object> values(ClusterSettings settings) {
        Map<String, Object> values = new LinkedHashMap<>();
        SettingsProperties.of(settings).forEach((key, value) -> values.put(key, masked(key, value)));
        return values;
    }

    static Object masked(String key, Object value) {
        boolean empty = value == null || value.toString().isEmpty();
        return SECRET_KEY.matcher(key).matches() && !empty ? MASK : value;
    }

    /** One flat object keyed by the cfg keys; numbers as JSON numbers. */
    @Override
    Object result() {
        return values(inForce());
    }

    @Override
    protected void print(Object result, PrintStream out) {
        ((Map<?, ?>) result).forEach((key, value) -> out.printf("%-28s %s%n", key, value));
        pending().ifPresent(rejected -> {
            out.println();
            out.printf("Pending, refused: %s = '%s': %s%n", rejected.key(),
                    masked(rejected.key(), rejected.value()), rejected.reason());
            out.println("The values above stay in force. etc/org.cohort.cluster.cfg still holds the refused value,"
                    + " and a restart would refuse it again: correct it in the file or with"
                    + " config:property-set -p org.cohort.cluster " + rejected.key() + " VALUE.");
        });
    }
}
