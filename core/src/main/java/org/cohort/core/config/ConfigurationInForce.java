package org.cohort.core.config;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ClusterConfiguration} that {@link ClusterConfigComponent} registers and updates. */
public final class ConfigurationInForce implements ClusterConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationInForce.class);

    private record Listener(Stage stage, Consumer<ClusterSettings> consumer) {
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile ClusterSettings settings;
    private volatile RejectedEdit rejectedEdit;

    public ConfigurationInForce(ClusterSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public ClusterSettings settings() {
        return settings;
    }

    @Override
    public Optional<RejectedEdit> rejectedEdit() {
        return Optional.ofNullable(rejectedEdit);
    }

    @Override
    public void addListener(Stage stage, Consumer<ClusterSettings> listener) {
        listeners.add(new Listener(Objects.requireNonNull(stage, "stage"), Objects.requireNonNull(listener, "listener")));
    }

    @Override
    public void removeListener(Consumer<ClusterSettings> listener) {
        listeners.removeIf(entry -> entry.consumer == listener);
    }

    public void rejected(InvalidConfigurationException error) {
        rejectedEdit = new RejectedEdit(error.key(), error.rejectedValue(), error.reason());
    }

    /** The file is back to the values in force: nothing is pending any more. */
    public void rejectionWithdrawn() {
        rejectedEdit = null;
    }

    /** Puts the edit in force and tells the listeners, stage by stage; a listener that throws is logged. */
    public void update(ClusterSettings next) {
        settings = Objects.requireNonNull(next, "next");
        rejectedEdit = null;
        List<Listener> ordered = listeners.stream().sorted(Comparator.comparing(Listener::stage)).toList();
        for (Listener listener : ordered) {
            try {
                listener.consumer.accept(next);
            } catch (RuntimeException e) {
                LOG.error("Applying the cluster configuration in {} failed", listener.stage, e);
            }
        }
    }
}
