package org.cohort.core.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.ClusterSettingsParser;
import org.cohort.shell.CommandJson;
import org.junit.jupiter.api.Test;

/** cluster:config --json speaks the cfg file's language: its keys, JSON numbers for numbers. */
class ConfigCommandTest {

    @Test
    void theJsonIsOneFlatObjectKeyedByTheCfgKeysWithNumbersAsNumbers() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of("node.id", "b",
                "members", "a@10.0.0.1:9000,b@10.0.0.2:9001,c@[fd00::3]:9002", "failure.phi.threshold", "9.5",
                "heartbeat.interval.ms", "150"));

        String json = CommandJson.write(ConfigCommand.values(settings));

        assertThat(json).startsWith("{\"cluster.name\":\"cohort\",\"node.id\":\"b\","
                + "\"members\":\"a@10.0.0.1:9000,b@10.0.0.2:9001,c@[fd00:0:0:0:0:0:0:3]:9002\",\"io.workers\":3,");
        assertThat(json).contains("\"heartbeat.interval.ms\":150,", "\"failure.phi.threshold\":9.5,",
                "\"message.max.bytes\":16777216,");
        assertThat(ConfigCommand.values(settings).keySet()).containsExactlyInAnyOrderElementsOf(
                org.cohort.core.config.ClusterConfigTest.KEYS);
    }

    @Test
    void whatItPrintsIsWhatTheParserReadsBack() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of("node.id", "b",
                "members", "a@10.0.0.1:9000,b@10.0.0.2:9001", "reassembly.max.bytes", "33554432",
                "connect.timeout.ms", "700"));

        Map<String, Object> printed = ConfigCommand.values(settings);

        assertThat(ClusterSettingsParser.parse(printed)).isEqualTo(settings);
    }

    @Test
    void aClusterSecretIsNeverPrinted() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of("cluster.secret", "a long shared secret"));

        assertThat(CommandJson.write(ConfigCommand.values(settings))).contains("\"cluster.secret\":\"********\"")
                .doesNotContain("a long shared secret");
    }

    @Test
    void secretsAreMasked() {
        assertThat(ConfigCommand.masked("cluster.secret", "s3cr3t")).isEqualTo(ConfigCommand.MASK);
        assertThat(ConfigCommand.masked("tls.keystore.password", "pw")).isEqualTo(ConfigCommand.MASK);
        assertThat(ConfigCommand.masked("members", "a@10.0.0.1:1")).isEqualTo("a@10.0.0.1:1");
        assertThat(ConfigCommand.masked("cluster.secret", "")).as("no secret set").isEqualTo("");
    }
}
