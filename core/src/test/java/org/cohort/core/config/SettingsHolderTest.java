package org.cohort.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.cohort.core.config.SettingsHolder.Decision;
import org.cohort.core.config.SettingsHolder.Publish;
import org.cohort.core.config.SettingsHolder.Refuse;
import org.cohort.core.config.SettingsHolder.Replace;
import org.cohort.core.config.SettingsHolder.Unchanged;
import org.cohort.core.config.SettingsHolder.Update;
import org.cohort.core.config.SettingsHolder.Withdraw;
import org.junit.jupiter.api.Test;

class SettingsHolderTest {

    private static final Map<String, Object> VALID = Map.of("node.id", "a", "members", "a@10.0.0.1:9876");
    private static final Map<String, Object> OTHER = Map.of("node.id", "a", "members", "a@10.0.0.1:9876",
            "io.workers", "5");
    private static final Map<String, Object> INVALID = Map.of("node.id", "a", "members", "a@10.0.0.1:9876",
            "io.workers", "abc");

    private final SettingsHolder holder = new SettingsHolder();

    @Test
    void aValidFirstConfigurationIsPublished() throws Exception {
        Decision decision = holder.configure(VALID);

        assertThat(decision).isEqualTo(new Publish(ClusterSettingsParser.parse(VALID)));
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(VALID));
    }

    @Test
    void anInvalidFirstConfigurationPublishesNothingAndLogsTheMessageAlone() {
        Decision decision = holder.configure(INVALID);

        assertThat(decision).isInstanceOfSatisfying(Refuse.class, refuse -> {
            assertThat(refuse.error().key()).isEqualTo("io.workers");
            assertThat(refuse.logLine())
                    .isEqualTo(refuse.error().getMessage())
                    .isEqualTo("org.cohort.cluster: io.workers = 'abc' refused:"
                            + " not a whole number; expected threads in 1..64");
        });
        assertThat(holder.current()).isEmpty();
    }

    @Test
    void anInvalidEditKeepsTheRunningConfiguration() throws Exception {
        holder.configure(VALID);

        Decision decision = holder.configure(INVALID);

        assertThat(decision).isInstanceOfSatisfying(Refuse.class, refuse -> assertThat(refuse.logLine())
                .startsWith("org.cohort.cluster: io.workers = 'abc' refused:")
                .endsWith("; keeping the running configuration")
                .doesNotContain("\n"));
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(VALID));
    }

    @Test
    void anIdenticalConfigurationChangesNothing() throws Exception {
        holder.configure(VALID);

        assertThat(holder.configure(VALID)).isEqualTo(new Unchanged(holder.current()));
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(VALID));
    }

    @Test
    void aConfigurationSpelledDifferentlyButMeaningTheSameChangesNothing() {
        holder.configure(Map.of("node.id", "a", "members", "b@10.0.0.2:1,a@10.0.0.1:1", "io.workers", "3"));

        Decision decision = holder.configure(Map.of("node.id", " a", "members", " a@10.0.0.1:1, b@10.0.0.2:1",
                "io.workers", 3, "service.pid", "org.cohort.cluster", "felix.fileinstall.filename", "x.cfg"));

        assertThat(decision).isInstanceOf(Unchanged.class);
    }

    @Test
    void aChangedConfigurationReplacesTheRunningOne() throws Exception {
        holder.configure(VALID);

        Decision decision = holder.configure(OTHER);

        assertThat(decision).isEqualTo(
                new Replace(ClusterSettingsParser.parse(VALID), ClusterSettingsParser.parse(OTHER)));
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(OTHER));
    }

    @Test
    void aChangeThatKeepsTheIdentityIsAnUpdate() throws Exception {
        Map<String, Object> edited = Map.of("node.id", "a", "members", "a@10.0.0.1:9876,b@10.0.0.2:9876",
                "heartbeat.interval.ms", "250", "outbound.queue.max.bytes", "33554432");
        holder.configure(VALID);

        assertThat(holder.configure(edited)).isEqualTo(
                new Update(ClusterSettingsParser.parse(VALID), ClusterSettingsParser.parse(edited)));
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(edited));
    }

    @Test
    void aChangeOfTheOwnAddressIsAReplacement() {
        holder.configure(VALID);

        assertThat(holder.configure(Map.of("node.id", "a", "members", "a@10.0.0.1:9877")))
                .isInstanceOf(Replace.class);
    }

    @Test
    void aValidEditAfterAnInvalidFirstConfigurationIsPublished() throws Exception {
        holder.configure(INVALID);

        assertThat(holder.configure(VALID)).isEqualTo(new Publish(ClusterSettingsParser.parse(VALID)));
    }

    @Test
    void anInvalidEditAfterAnInvalidFirstConfigurationIsLoggedAlone() {
        holder.configure(INVALID);

        Decision decision = holder.configure(Map.of("members", ""));

        assertThat(decision).isInstanceOfSatisfying(Refuse.class,
                refuse -> assertThat(refuse.logLine()).isEqualTo(refuse.error().getMessage()));
        assertThat(holder.current()).isEmpty();
    }

    @Test
    void anEditThatLeavesOutAnIdentityKeyIsRefusedAndTheRunningConfigurationKept() throws Exception {
        Map<String, Object> named = Map.of("cluster.name", "east", "node.id", "a", "members", "a@10.0.0.1:9876",
                "tls.enabled", "false");
        holder.configure(named);

        // What Karaf's file watcher handed a node in the churn fault test: the file read half-written,
        // without the keys that say who the node is.
        Decision decision = holder.configure(Map.of("io.workers", "3", "heartbeat.interval.ms", "100"));

        assertThat(decision).isInstanceOfSatisfying(Refuse.class, refuse -> {
            assertThat(refuse.error().key()).isEqualTo("cluster.name");
            assertThat(refuse.logLine()).contains("left out by an edit").endsWith(SettingsHolder.KEEPING);
        });
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(named));
    }

    @Test
    void everyIdentityKeyTheRunningConfigurationNamedMustBeNamedAgain() throws Exception {
        Map<String, Object> named = Map.of("cluster.name", "east", "node.id", "a", "members", "a@10.0.0.1:9876",
                "tls.enabled", "false");
        holder.configure(named);

        for (String key : SettingsHolder.IDENTITY_KEYS) {
            Map<String, Object> without = new java.util.HashMap<>(named);
            without.remove(key);
            assertThat(holder.configure(without)).as(key).isInstanceOfSatisfying(Refuse.class,
                    refuse -> assertThat(refuse.error().key()).isEqualTo(key));
        }
        assertThat(holder.current()).contains(ClusterSettingsParser.parse(named));
    }

    @Test
    void anIdentityKeyNamedInAnyCaseCountsAndADefaultNamedExplicitlyIsAccepted() throws Exception {
        holder.configure(Map.of("cluster.name", "east", "node.id", "a", "members", "a@10.0.0.1:9876"));

        Map<String, Object> backToDefault = Map.of("Cluster.Name", ClusterConfig.DEFAULT_CLUSTER_NAME, "NODE.ID", "a",
                "members", "a@10.0.0.1:9876");

        assertThat(holder.configure(backToDefault)).isEqualTo(new Replace(
                ClusterSettingsParser.parse(Map.of("cluster.name", "east", "node.id", "a", "members", "a@10.0.0.1:9876")),
                ClusterSettingsParser.parse(backToDefault)));
    }

    @Test
    void clearingWithdrawsTheRunningConfiguration() throws Exception {
        holder.configure(VALID);

        assertThat(holder.clear()).isEqualTo(new Withdraw(ClusterSettingsParser.parse(VALID)));
        assertThat(holder.current()).isEmpty();
        assertThat(holder.clear()).isInstanceOf(Unchanged.class);
    }

    @Test
    void clearingWithNothingRunningDoesNothing() {
        holder.configure(INVALID);

        assertThat(holder.clear()).isInstanceOf(Unchanged.class);
    }
}
