package org.cohort.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterSettingsParserTest {

    /** The numeric keys with their bounds, as the brief and the metatype state them. */
    static Stream<Arguments> numericKeys() {
        return Stream.of(
                Arguments.of("io.workers", 1L, 64L),
                Arguments.of("custodian.interval.ms", 10L, 60_000L),
                Arguments.of("connect.timeout.ms", 10L, 60_000L),
                Arguments.of("reconnect.backoff.max.ms", 10L, 300_000L),
                Arguments.of("hello.timeout.ms", 100L, 60_000L),
                Arguments.of("message.max.bytes", 65_536L, 268_435_456L),
                Arguments.of("reassembly.max.bytes", 65_536L, 4_294_967_296L),
                Arguments.of("outbound.queue.max.bytes", 65_536L, 4_294_967_296L),
                Arguments.of("delivery.resend.max.bytes", 65_536L, 4_294_967_296L),
                Arguments.of("delivery.window.messages", 16L, 1_048_576L),
                Arguments.of("delivery.window.bytes", 65_536L, 4_294_967_296L),
                Arguments.of("delivery.linger.ms", 100L, 3_600_000L),
                Arguments.of("heartbeat.interval.ms", 10L, 10_000L),
                Arguments.of("failure.min.stddev.ms", 1L, 10_000L),
                Arguments.of("failure.acceptable.pause.ms", 0L, 60_000L));
    }

    /**
     * {@code key = value}, and room for it where a value must also be shorter (or longer) than another key's:
     * heartbeat.interval.ms must be shorter than hello.timeout.ms, whose lower bound is the heartbeat default;
     * the reassembly and outbound queue limits must hold the largest message.
     */
    static Map<String, Object> alone(String key, Object value) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(key, value);
        if (key.equals("heartbeat.interval.ms")) {
            properties.put("hello.timeout.ms", 60_000);
        } else if (key.equals("hello.timeout.ms")) {
            properties.put("heartbeat.interval.ms", 10);
        } else if (key.equals("message.max.bytes")) {
            properties.put("reassembly.max.bytes", 4_294_967_296L);
            properties.put("outbound.queue.max.bytes", 4_294_967_296L);
            properties.put("delivery.resend.max.bytes", 4_294_967_296L);
        } else if (key.equals("reassembly.max.bytes") || key.equals("outbound.queue.max.bytes")
                || key.equals("delivery.resend.max.bytes")) {
            properties.put("message.max.bytes", 65_536);
        }
        return properties;
    }

    // ---- valid configurations

    @Test
    void anEmptyConfigurationIsTheOneNodeDefault() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of());

        assertThat(settings.clusterName()).isEqualTo("cohort");
        assertThat(settings.localNodeId()).isEqualTo(NodeId.of("node-1"));
        assertThat(settings.members()).containsExactly(node("node-1", "127.0.0.1", 9876));
        assertThat(settings.localNode()).isEqualTo(node("node-1", "127.0.0.1", 9876));
        assertThat(settings.ioWorkers()).isEqualTo(3);
        assertThat(settings.custodianInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.reconnectBackoffMax()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.helloTimeout()).isEqualTo(Duration.ofMillis(2000));
        assertThat(settings.maxMessageBytes()).isEqualTo(16_777_216);
        assertThat(settings.maxReassemblyBytes()).isEqualTo(67_108_864L);
        assertThat(settings.outboundQueueBytes()).isEqualTo(67_108_864L);
        assertThat(settings.failureDetection()).isEqualTo(new FailureDetectionSettings(Duration.ofMillis(100), 8.0,
                Duration.ofMillis(100), Duration.ofMillis(800)));
        assertThat(settings.failureDetection()).isEqualTo(FailureDetectionSettings.DEFAULTS);
        assertThat(ClusterSettings.defaults()).isEqualTo(settings);
    }

    @Test
    void aFullConfigurationFromCfgStringsIsReadAndUnknownKeysAreIgnored() throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("cluster.name", "prod-east_1.b");
        properties.put("node.id", "b");
        properties.put("members", "c@10.0.0.3:9000,a@10.0.0.1:9000,b@10.0.0.2:9001");
        properties.put("io.workers", "8");
        properties.put("custodian.interval.ms", "500");
        properties.put("connect.timeout.ms", "3000");
        properties.put("reconnect.backoff.max.ms", "30000");
        properties.put("hello.timeout.ms", "5000");
        properties.put("message.max.bytes", "1048576");
        properties.put("reassembly.max.bytes", "2097152");
        properties.put("outbound.queue.max.bytes", "4294967296");
        // what ConfigAdmin, fileinstall and DS add, and a reference target: none of it is ours
        properties.put("service.pid", "org.cohort.cluster");
        properties.put("felix.fileinstall.filename", "file:/opt/karaf/etc/org.cohort.cluster.cfg");
        properties.put("component.name", "org.cohort.core.config.ClusterConfigComponent");
        properties.put("component.id", 12L);
        properties.put("settings.target", "(cohort.node.id=b)");
        properties.put("io.workers.comment", "not a key of ours");

        ClusterSettings settings = ClusterSettingsParser.parse(properties);

        assertThat(settings).isEqualTo(new ClusterSettings("prod-east_1.b", NodeId.of("b"),
                List.of(node("a", "10.0.0.1", 9000), node("b", "10.0.0.2", 9001), node("c", "10.0.0.3", 9000)),
                8, Duration.ofMillis(500), Duration.ofMillis(3000), Duration.ofMillis(30_000),
                Duration.ofMillis(5000), 1_048_576, 2_097_152L, 4_294_967_296L, FailureDetectionSettings.DEFAULTS));
        assertThat(settings.members()).extracting(member -> member.id().id()).containsExactly("a", "b", "c");
        assertThat(settings.localNode()).isEqualTo(node("b", "10.0.0.2", 9001));
    }

    @Test
    void aFullConfigurationFromTypedValuesIsRead() throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("cluster.name", "lab");
        properties.put("node.id", "n2");
        properties.put("members", "n2@192.168.1.2:7000,n1@192.168.1.1:7000");
        properties.put("io.workers", 16);
        properties.put("custodian.interval.ms", 100L);
        properties.put("connect.timeout.ms", (short) 750);
        properties.put("reconnect.backoff.max.ms", BigInteger.valueOf(60_000));
        properties.put("hello.timeout.ms", 1500.0d);
        properties.put("message.max.bytes", 65_536);
        properties.put("reassembly.max.bytes", 65_536L);
        properties.put("outbound.queue.max.bytes", 1L << 31);

        ClusterSettings settings = ClusterSettingsParser.parse(properties);

        assertThat(settings).isEqualTo(new ClusterSettings("lab", NodeId.of("n2"),
                List.of(node("n1", "192.168.1.1", 7000), node("n2", "192.168.1.2", 7000)),
                16, Duration.ofMillis(100), Duration.ofMillis(750), Duration.ofMillis(60_000),
                Duration.ofMillis(1500), 65_536, 65_536L, 2_147_483_648L, FailureDetectionSettings.DEFAULTS));
    }

    @Test
    void theDeliveryKeysAreRead() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of("delivery.window.messages", 64,
                "delivery.window.bytes", 131_072L, "delivery.resend.max.bytes", 33_554_432L, "delivery.linger.ms", 2500,
                "delivery.at.most.once.subjects", " telemetry.cpu , telemetry.mem,"));

        assertThat(settings.delivery()).isEqualTo(new DeliverySettings(64, 131_072L, 33_554_432L,
                Duration.ofMillis(2500), java.util.Set.of(org.cohort.api.messaging.MessageSubject.of("telemetry.cpu"),
                        org.cohort.api.messaging.MessageSubject.of("telemetry.mem"))));
        assertThat(ClusterSettingsParser.parse(Map.of()).delivery()).isEqualTo(DeliverySettings.DEFAULTS);
    }

    @Test
    void theTlsEngineIsAutoJdkOrOpensslAndNothingElse() throws Exception {
        Map<String, Object> tls = Map.of("tls.enabled", "true", "tls.keystore", "/k.p12", "tls.truststore", "/t.p12");
        assertThat(ClusterSettingsParser.parse(tls).tls().engine()).isEqualTo(TlsSettings.Engine.AUTO);
        Map<String, Object> jdk = new HashMap<>(tls);
        jdk.put("tls.engine", " JDK ");
        assertThat(ClusterSettingsParser.parse(jdk).tls().engine()).isEqualTo(TlsSettings.Engine.JDK);
        jdk.put("tls.engine", "openssl");
        assertThat(ClusterSettingsParser.parse(jdk).tls().engine()).isEqualTo(TlsSettings.Engine.OPENSSL);
        jdk.put("tls.engine", "boringssl");
        refused(jdk, "tls.engine", "boringssl");
    }

    @Test
    void aResendBufferThatCannotHoldTheLargestMessageIsRefused() {
        InvalidConfigurationException e = refused(Map.of("delivery.resend.max.bytes", 65_536L),
                "delivery.resend.max.bytes", "65536");
        assertThat(e).hasMessageContaining("message.max.bytes");
    }

    @Test
    void ipv6MembersAreWrittenInBrackets() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "node.id", "v6-a",
                "members", "v6-b@[fd00:0:0:0:0:0:0:2]:9876,v6-a@[::1]:9876,v6-c@[2001:db8::10.1.2.3]:9877"));

        assertThat(settings.members()).containsExactly(
                node("v6-a", "::1", 9876), node("v6-b", "fd00::2", 9876), node("v6-c", "2001:db8::a01:203", 9877));
        assertThat(settings.localNode().ip().getAddress())
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    }

    @Test
    void whitespaceAroundValuesAndEntriesIsAllowed() throws Exception {
        // a .cfg file keeps the blanks at the end of a line in the value
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "cluster.name", " cohort\t",
                "node.id", "node-2 ",
                "members", "  node-2@127.0.0.2:9876 ,\tnode-1@127.0.0.1:9876\t, node-3@[::1]:9876  ",
                "io.workers", " 4 ",
                "message.max.bytes", "+65536"));

        assertThat(settings.clusterName()).isEqualTo("cohort");
        assertThat(settings.localNodeId()).isEqualTo(NodeId.of("node-2"));
        assertThat(settings.members()).containsExactly(node("node-1", "127.0.0.1", 9876),
                node("node-2", "127.0.0.2", 9876), node("node-3", "::1", 9876));
        assertThat(settings.ioWorkers()).isEqualTo(4);
        assertThat(settings.maxMessageBytes()).isEqualTo(65_536);
    }

    @Test
    void keysMatchIgnoringCaseAsInConfigAdmin() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of("Node.ID", "x", "MEMBERS", "x@10.1.1.1:1"));

        assertThat(settings.localNode()).isEqualTo(node("x", "10.1.1.1", 1));
    }

    @Test
    void aTypedConfigMayGiveTheMembersAsAnArrayOrAList() throws Exception {
        ClusterSettings fromArray = ClusterSettingsParser.parse(Map.of(
                "node.id", "a", "members", new String[] {"b@10.0.0.2:1", " a@10.0.0.1:1"}));
        ClusterSettings fromList = ClusterSettingsParser.parse(Map.of(
                "node.id", "a", "members", List.of("a@10.0.0.1:1", "b@10.0.0.2:1")));

        assertThat(fromArray).isEqualTo(fromList);
        assertThat(fromArray.members()).containsExactly(node("a", "10.0.0.1", 1), node("b", "10.0.0.2", 1));
    }

    @Test
    void nodeIdsMayCarryColonsAndThePortIsAfterTheLastOne() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "node.id", "rack1:n1", "members", "rack1:n1@10.0.0.1:65535"));

        assertThat(settings.localNode()).isEqualTo(node("rack1:n1", "10.0.0.1", 65535));
    }

    @ParameterizedTest(name = "{0} accepts its bounds {1} and {2}")
    @MethodSource("numericKeys")
    void everyNumericKeyAcceptsItsBoundsAsTextAndTyped(String key, long min, long max) {
        assertThatCode(() -> {
            ClusterSettingsParser.parse(alone(key, Long.toString(min)));
            ClusterSettingsParser.parse(alone(key, Long.toString(max)));
            ClusterSettingsParser.parse(alone(key, min));
            ClusterSettingsParser.parse(alone(key, max));
            if (max <= Integer.MAX_VALUE) {
                ClusterSettingsParser.parse(alone(key, (int) max));
            }
        }).doesNotThrowAnyException();
    }

    // ---- refused configurations: each names the key and the value as configured

    @Test
    void duplicateIdsAreRefused() {
        String members = "n1@10.0.0.1:9876,n2@10.0.0.2:9876,n1@10.0.0.3:9876";

        InvalidConfigurationException e = refused(Map.of("node.id", "n1", "members", members), "members", members);

        assertThat(e.reason()).contains("duplicate id n1").contains("n1@10.0.0.1:9876").contains("n1@10.0.0.3:9876");
    }

    @Test
    void twoMembersOnTheSameAddressAndPortAreRefused() {
        // ::ffff:10.0.0.1 is 10.0.0.1: the comparison is on the address, not on its spelling
        String members = "n1@10.0.0.1:9876, n2@[::ffff:10.0.0.1]:9876";

        InvalidConfigurationException e = refused(Map.of("node.id", "n1", "members", members), "members", members);

        assertThat(e.reason()).isEqualTo("n1 and n2 both use 10.0.0.1:9876");
    }

    @Test
    void theSameAddressOnAnotherPortIsAnotherMember() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "members", "node-1@127.0.0.1:9876,node-2@127.0.0.1:9877"));

        assertThat(settings.members()).hasSize(2);
    }

    @Test
    void aLocalNodeThatIsNotAMemberIsRefused() {
        InvalidConfigurationException e = refused(
                Map.of("node.id", "n9", "members", "n2@10.0.0.2:1,n1@10.0.0.1:1"), "node.id", "n9");

        assertThat(e.reason()).isEqualTo("it is not one of the members (n1, n2)");
    }

    @Test
    void aDefaultedLocalNodeThatIsNotAMemberIsRefusedSayingSo() {
        InvalidConfigurationException e = refused(Map.of("members", "n1@10.0.0.1:1"), "node.id", "node-1");

        assertThat(e.reason()).contains("not one of the members (n1)").contains("not set");
    }

    static Stream<Arguments> unparseableMembers() {
        return Stream.of(
                Arguments.of("n1@localhost:9876", "localhost is not an IP address"),
                Arguments.of("n1@cohort-1.example.com:9876", "cohort-1.example.com is not an IP address"),
                Arguments.of("n1@300.1.1.1:9876", "300.1.1.1 is not an IP address"),
                Arguments.of("n1@10.0.0:9876", "10.0.0 is not an IP address"),
                Arguments.of("n1@127.1:9876", "127.1 is not an IP address"),
                Arguments.of("n1@010.0.0.1:9876", "010.0.0.1 is not an IP address"),
                Arguments.of("n1@0x7f.0.0.1:9876", "0x7f.0.0.1 is not an IP address"),
                Arguments.of("n1@127.0.0.1", "has no port"),
                Arguments.of("n1@127.0.0.1:", "has no port"),
                Arguments.of("n1@[::1]", "has no port"),
                Arguments.of("n1@[::1]9876", "has no port"),
                Arguments.of("n1@127.0.0.1:0", "port 0 of n1 is not in 1..65535"),
                Arguments.of("n1@127.0.0.1:70000", "port 70000 of n1 is not in 1..65535"),
                Arguments.of("n1@127.0.0.1:99999999999999999999", "is not in 1..65535"),
                Arguments.of("n1@127.0.0.1:-1", "port '-1' of n1 is not a number"),
                Arguments.of("n1@127.0.0.1:http", "port 'http' of n1 is not a number"),
                Arguments.of("n1-127.0.0.1:9876", "has no '@'"),
                Arguments.of("n1@n2@127.0.0.1:9876", "more than one '@'"),
                Arguments.of("@127.0.0.1:9876", "node id must have 1 to 128 characters"),
                Arguments.of("n 1@127.0.0.1:9876", "node id may hold only"),
                Arguments.of("n1@:9876", "has no address"),
                Arguments.of("n1@::1:9876", "must be in brackets"),
                Arguments.of("n1@[::1:9876", "without closing it"),
                Arguments.of("n1@[::g]:9876", "::g is not an IPv6 address"),
                Arguments.of("n1@[127.0.0.1]:9876", "127.0.0.1 is not an IPv6 address"),
                Arguments.of("n1@[fe80::1%eth0]:9876", "zone id"),
                Arguments.of("n1@0.0.0.0:9876", "wildcard"),
                Arguments.of("n1@[::]:9876", "wildcard"),
                Arguments.of("n1@224.0.0.1:9876", "multicast"),
                Arguments.of("n1@[ff02::1]:9876", "multicast"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unparseableMembers")
    void anUnparseableMemberIsRefused(String members, String reason) {
        InvalidConfigurationException e = refused(Map.of("node.id", "n1", "members", members), "members", members);

        assertThat(e.reason()).contains(reason);
    }

    @Test
    void theMessageReadsAsOneLineNamingKeyAndValue() {
        InvalidConfigurationException e = refused(
                Map.of("node.id", "n1", "members", "n1@300.1.1.1:9876"), "members", "n1@300.1.1.1:9876");

        assertThat(e).hasMessage(
                "org.cohort.cluster: members = 'n1@300.1.1.1:9876' refused: 300.1.1.1 is not an IP address");
    }

    @Test
    void aHostNameIsNeverResolved() {
        // "localhost" resolves everywhere; it is refused anyway, by pattern, before any lookup could happen
        InvalidConfigurationException e = refused(
                Map.of("node.id", "n1", "members", "n1@localhost:9876"), "members", "n1@localhost:9876");

        assertThat(e.reason()).contains("host names are not resolved");
    }

    @ParameterizedTest(name = "members = ''{0}''")
    @ValueSource(strings = {"", "   ", ",", "n1@10.0.0.1:1,", "n1@10.0.0.1:1,,n2@10.0.0.2:1", " , "})
    void emptyMembersAreRefused(String members) {
        InvalidConfigurationException e = refused(Map.of("node.id", "n1", "members", members), "members", members);

        assertThat(e.reason()).containsAnyOf("at least one member", "empty entry");
    }

    @Test
    void anEmptyMemberArrayIsRefused() {
        refused(Map.of("members", new String[0]), "members", "[]");
    }

    static Stream<Arguments> badNumbers() {
        List<Arguments> cases = new ArrayList<>();
        numericKeys().forEach(arguments -> {
            String key = (String) arguments.get()[0];
            long min = (Long) arguments.get()[1];
            long max = (Long) arguments.get()[2];
            cases.add(Arguments.of(key, Long.toString(min - 1), "out of range"));
            cases.add(Arguments.of(key, Long.toString(max + 1), "out of range"));
            cases.add(Arguments.of(key, min - 1, "out of range"));
            cases.add(Arguments.of(key, max + 1, "out of range"));
            cases.add(Arguments.of(key, "-5", "out of range"));
            if (min > 0) {
                cases.add(Arguments.of(key, "0", "out of range"));
            }
            cases.add(Arguments.of(key, "99999999999999999999999", "out of range"));
            cases.add(Arguments.of(key, "abc", "not a whole number"));
            cases.add(Arguments.of(key, "", "not a whole number"));
            cases.add(Arguments.of(key, "12abc", "not a whole number"));
            cases.add(Arguments.of(key, "1.5", "not a whole number"));
            cases.add(Arguments.of(key, "0x100", "not a whole number"));
            cases.add(Arguments.of(key, "1_000", "not a whole number"));
            cases.add(Arguments.of(key, "\u0661\u0662\u0663", "not a whole number")); // Arabic-Indic 123
            cases.add(Arguments.of(key, 1.5d, "not a whole number"));
            cases.add(Arguments.of(key, Double.NaN, "not a whole number"));
            cases.add(Arguments.of(key, new BigDecimal("100.25"), "not a whole number"));
            cases.add(Arguments.of(key, Boolean.TRUE, "not a whole number"));
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} = ''{1}'' ({2})")
    @MethodSource("badNumbers")
    void aNumericKeyOutOfRangeOrNotANumberIsRefused(String key, Object value, String reason) {
        InvalidConfigurationException e = refused(Map.of(key, value), key, String.valueOf(value));

        assertThat(e.reason()).startsWith(reason).contains("..");
    }

    @Test
    void aNegativeTimeoutIsRefusedNamingRangeAndUnit() {
        InvalidConfigurationException e = refused(Map.of("connect.timeout.ms", "-5"), "connect.timeout.ms", "-5");

        assertThat(e).hasMessage("org.cohort.cluster: connect.timeout.ms = '-5' refused:"
                + " out of range; expected milliseconds in 10..60000");
    }

    @ParameterizedTest(name = "cluster.name = ''{0}''")
    @ValueSource(strings = {"", "  ", "two words", "cohort/1", "coh@rt", "kl\u00fcster",
            "a2345678901234567890123456789012345678901234567890123456789012345"})
    void anInvalidClusterNameIsRefused(String name) {
        InvalidConfigurationException e = refused(Map.of("cluster.name", name), "cluster.name", name);

        assertThat(e.reason()).containsAnyOf("1 to 64 characters", "only letters, digits");
    }

    @Test
    void aClusterNameOf64CharactersIsAccepted() throws Exception {
        String name = "a".repeat(64);

        assertThat(ClusterSettingsParser.parse(Map.of("cluster.name", name)).clusterName()).isEqualTo(name);
    }

    @ParameterizedTest(name = "node.id = ''{0}''")
    @ValueSource(strings = {"", " ", "node 1", "node/1", "n\u00f6de", "node@1"})
    void anInvalidNodeIdIsRefused(String id) {
        InvalidConfigurationException e = refused(Map.of("node.id", id), "node.id", id);

        assertThat(e.reason()).contains("node id");
    }

    @Test
    void aTooLongNodeIdIsRefused() {
        String id = "n".repeat(129);

        refused(Map.of("node.id", id, "members", id + "@10.0.0.1:1"), "node.id", id);
    }

    @Test
    void textKeysMustBeText() {
        InvalidConfigurationException e = refused(Map.of("node.id", 1), "node.id", "1");

        assertThat(e.reason()).isEqualTo("must be text, got Integer");
        refused(Map.of("members", 42), "members", "42");
        refused(Map.of("members", List.of("n1@10.0.0.1:1", 7)), "members", "[n1@10.0.0.1:1, 7]");
    }

    @Test
    void aValueCannotForgeALogLine() {
        String members = "n1@10.0.0.1:1\nERROR fake line\r\u0007";

        InvalidConfigurationException e = refused(Map.of("node.id", "n1", "members", members), "members", members);

        assertThat(e.getMessage()).doesNotContain("\n", "\r", "\u0007")
                .contains("n1@10.0.0.1:1\\nERROR fake line\\r\\u0007");
    }

    // ---- the address parsers agree with the JDK on literals (the JDK does not look up literals)

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"::1", "::", "1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
            "fe80::1", "FD00:0:0::AbCd", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "::ffff:10.1.2.3",
            "::10.1.2.3", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "0:0:0:0:0:0:0:0"})
    void validIpv6LiteralsParseAsTheJdkParsesThem(String literal) throws UnknownHostException {
        byte[] bytes = MemberList.ipv6(literal);

        assertThat(bytes).isNotNull();
        assertThat(InetAddress.getByAddress(bytes)).isEqualTo(InetAddress.getByName("[" + literal + "]"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", ":", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "12345::", "g::", "1.2.3.4",
            "::1.2.3", "::1.2.3.4:5", "1.2.3.4::", "::256.0.0.1", "1:2:3:4:5:6:7:1.2.3.4", " ::1"})
    void invalidIpv6LiteralsAreRefused(String literal) {
        assertThat(MemberList.ipv6(literal)).isNull();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.-4", "1.2.3.4 ",
            "a.b.c.d", "1..2.3", "\u0661.2.3.4"})
    void invalidIpv4LiteralsAreRefused(String literal) {
        assertThat(MemberList.ipv4(literal)).isNull();
    }

    @Test
    void validIpv4LiteralsParse() {
        assertThat(MemberList.ipv4("255.0.10.1")).containsExactly(255, 0, 10, 1);
        assertThat(MemberList.ipv4("0.0.0.0")).containsExactly(0, 0, 0, 0);
    }

    // ---- failure detection

    @Test
    void theFailureDetectionKeysAreReadFromCfgStrings() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "heartbeat.interval.ms", "250",
                "failure.phi.threshold", "8.5",
                "failure.min.stddev.ms", "50",
                "failure.acceptable.pause.ms", "0",
                "hello.timeout.ms", "3000"));

        assertThat(settings.failureDetection()).isEqualTo(new FailureDetectionSettings(Duration.ofMillis(250), 8.5,
                Duration.ofMillis(50), Duration.ofMillis(0)));
        assertThat(settings.helloTimeout()).isEqualTo(Duration.ofMillis(3000));
    }

    @Test
    void theFailureDetectionKeysAreReadFromTypedValues() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "heartbeat.interval.ms", 20L,
                "failure.phi.threshold", 12,
                "failure.min.stddev.ms", 7,
                "failure.acceptable.pause.ms", 60_000.0d));

        assertThat(settings.failureDetection()).isEqualTo(new FailureDetectionSettings(Duration.ofMillis(20), 12.0,
                Duration.ofMillis(7), Duration.ofMillis(60_000)));
    }

    static Stream<Arguments> validPhiThresholds() {
        return Stream.of(
                Arguments.of("8", 8.0),
                Arguments.of("8.5", 8.5),
                Arguments.of(" 8.5\t", 8.5),
                Arguments.of("+2.25", 2.25),
                Arguments.of("8.", 8.0),
                Arguments.of(".5e1", 5.0),
                Arguments.of("1", 1.0),
                Arguments.of("1.000", 1.0),
                Arguments.of("50", 50.0),
                Arguments.of("50.0", 50.0),
                Arguments.of(8, 8.0),
                Arguments.of(16L, 16.0),
                Arguments.of((short) 3, 3.0),
                Arguments.of(8.5d, 8.5),
                Arguments.of(1.0d, 1.0),
                Arguments.of(50.0d, 50.0),
                Arguments.of(9.1f, 9.1),
                Arguments.of(new BigDecimal("3.75"), 3.75),
                Arguments.of(BigInteger.valueOf(20), 20.0));
    }

    @ParameterizedTest(name = "failure.phi.threshold = ''{0}'' is {1}")
    @MethodSource("validPhiThresholds")
    void aPhiThresholdIsADecimalNumberGivenAsTextOrTyped(Object value, double expected) throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of("failure.phi.threshold", value));

        assertThat(settings.failureDetection().phiThreshold()).isEqualTo(expected);
    }

    static Stream<Arguments> badPhiThresholds() {
        return Stream.of(
                Arguments.of("abc", "not a decimal number"),
                Arguments.of("", "not a decimal number"),
                Arguments.of("  ", "not a decimal number"),
                Arguments.of("NaN", "not a decimal number"),
                Arguments.of("Infinity", "not a decimal number"),
                Arguments.of("-Infinity", "not a decimal number"),
                Arguments.of("8d", "not a decimal number"),
                Arguments.of("8f", "not a decimal number"),
                Arguments.of("8,5", "not a decimal number"),
                Arguments.of("0x10", "not a decimal number"),
                Arguments.of("1_0", "not a decimal number"),
                Arguments.of("8.5.1", "not a decimal number"),
                Arguments.of(".", "not a decimal number"),
                Arguments.of("1e", "not a decimal number"),
                Arguments.of("\u0668", "not a decimal number"), // Arabic-Indic 8
                Arguments.of(Double.NaN, "not a decimal number"),
                Arguments.of(Double.POSITIVE_INFINITY, "not a decimal number"),
                Arguments.of(Double.NEGATIVE_INFINITY, "not a decimal number"),
                Arguments.of(Float.NaN, "not a decimal number"),
                Arguments.of(Boolean.TRUE, "not a decimal number"),
                Arguments.of("0", "out of range"),
                Arguments.of("0.99", "out of range"),
                Arguments.of("-8", "out of range"),
                Arguments.of("50.01", "out of range"),
                Arguments.of("1e999", "out of range"),
                Arguments.of("99999999999999999999999", "out of range"),
                Arguments.of(0.5d, "out of range"),
                Arguments.of(-1.0d, "out of range"),
                Arguments.of(Double.MAX_VALUE, "out of range"),
                Arguments.of(51, "out of range"),
                Arguments.of(0L, "out of range"),
                Arguments.of(new BigDecimal("50.0000001"), "out of range"));
    }

    @ParameterizedTest(name = "failure.phi.threshold = ''{0}'' ({1})")
    @MethodSource("badPhiThresholds")
    void aPhiThresholdOutOfRangeOrNotANumberIsRefused(Object value, String reason) {
        InvalidConfigurationException e =
                refused(Map.of("failure.phi.threshold", value), "failure.phi.threshold", String.valueOf(value));

        assertThat(e.reason()).isEqualTo(reason + "; expected phi in 1..50");
    }

    @Test
    void aPhiThresholdThatIsNotANumberIsRefusedNamingKeyValueAndRange() {
        InvalidConfigurationException e =
                refused(Map.of("failure.phi.threshold", "NaN"), "failure.phi.threshold", "NaN");

        assertThat(e).hasMessage("org.cohort.cluster: failure.phi.threshold = 'NaN' refused:"
                + " not a decimal number; expected phi in 1..50");
    }

    @Test
    void aHeartbeatIntervalOutOfRangeIsRefusedNamingRangeAndUnit() {
        InvalidConfigurationException e =
                refused(Map.of("heartbeat.interval.ms", "5"), "heartbeat.interval.ms", "5");

        assertThat(e).hasMessage("org.cohort.cluster: heartbeat.interval.ms = '5' refused:"
                + " out of range; expected milliseconds in 10..10000");
    }

    @Test
    void aHeartbeatIntervalShorterThanTheHelloTimeoutIsAccepted() throws Exception {
        ClusterSettings settings = ClusterSettingsParser.parse(Map.of(
                "heartbeat.interval.ms", "1999", "hello.timeout.ms", "2000"));

        assertThat(settings.failureDetection().heartbeatInterval()).isEqualTo(Duration.ofMillis(1999));
    }

    @ParameterizedTest(name = "heartbeat.interval.ms = {0}, hello.timeout.ms = {1}")
    @CsvSource({"2000, 2000", "2001, 2000", "10000, 100", "5000, ''"})
    void aHeartbeatIntervalNotShorterThanTheHelloTimeoutIsRefused(String heartbeat, String hello) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("heartbeat.interval.ms", heartbeat);
        if (!hello.isEmpty()) {
            properties.put("hello.timeout.ms", hello);
        }
        String helloMillis = hello.isEmpty() ? "2000" : hello;

        InvalidConfigurationException e = refused(properties, "heartbeat.interval.ms", heartbeat);

        assertThat(e).hasMessage("org.cohort.cluster: heartbeat.interval.ms = '" + heartbeat + "' refused:"
                + " must be shorter than hello.timeout.ms (" + helloMillis + " ms)");
    }

    @Test
    void theShortestHelloTimeoutNeedsAShorterHeartbeatThanTheDefaultAndTheRefusalSaysSo() throws Exception {
        // hello.timeout.ms may be as short as 100 ms, the heartbeat default: the default heartbeat is then refused
        InvalidConfigurationException e =
                refused(Map.of("hello.timeout.ms", 100), "heartbeat.interval.ms", "100");

        assertThat(e.reason()).isEqualTo("must be shorter than hello.timeout.ms (100 ms);"
                + " heartbeat.interval.ms is not set, so it is the default 100");
        assertThat(ClusterSettingsParser.parse(Map.of("hello.timeout.ms", 100, "heartbeat.interval.ms", 99))
                .failureDetection().heartbeatInterval()).isEqualTo(Duration.ofMillis(99));
    }

    @Test
    void anInvalidHelloTimeoutIsReportedBeforeTheHeartbeatItWouldBeComparedWith() {
        refused(Map.of("hello.timeout.ms", "50", "heartbeat.interval.ms", "100"), "hello.timeout.ms", "50");
    }

    @Test
    void aReassemblyLimitBelowTheLargestMessageIsRefused() {
        InvalidConfigurationException e = refused(Map.of("message.max.bytes", "1048576",
                "reassembly.max.bytes", "1048575"), "reassembly.max.bytes", "1048575");

        assertThat(e.reason()).isEqualTo("must be at least message.max.bytes (1048576 bytes)");
    }

    @Test
    void aLargestMessageOverTheDefaultQueueLimitIsRefusedSayingTheQueueLimitIsTheDefault() {
        InvalidConfigurationException e = refused(Map.of("message.max.bytes", "134217728",
                "reassembly.max.bytes", "134217728"), "outbound.queue.max.bytes", "67108864");

        assertThat(e.reason()).isEqualTo("must be at least message.max.bytes (134217728 bytes);"
                + " outbound.queue.max.bytes is not set, so it is the default");
    }

    @Test
    void aClusterSecretIsReadAndATooShortOneIsRefusedWithoutEchoingIt() throws Exception {
        assertThat(ClusterSettingsParser.parse(Map.of("cluster.secret", " sixteen chars ok ")).secret())
                .isEqualTo(ClusterSecret.of("sixteen chars ok"));
        assertThat(ClusterSettingsParser.parse(Map.of("cluster.secret", "")).secret()).isEqualTo(ClusterSecret.NONE);

        InvalidConfigurationException e = refused(Map.of("cluster.secret", "too-short"), "cluster.secret", "********");

        assertThat(e.getMessage()).doesNotContain("too-short").endsWith("must have 16 to 1024 characters, has 9");
    }

    // ---- helpers

    static ControllerNode node(String id, String ipLiteral, int port) {
        try {
            return new ControllerNode(NodeId.of(id), InetAddress.getByName(ipLiteral), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Parses, expects a refusal of {@code key} with {@code value}, and checks the one-line message. */
    static InvalidConfigurationException refused(Map<String, ?> properties, String key, String value) {
        try {
            ClusterSettings settings = ClusterSettingsParser.parse(properties);
            return fail("expected %s = '%s' to be refused, got %s", key, value, settings);
        } catch (InvalidConfigurationException e) {
            assertThat(e.key()).isEqualTo(key);
            assertThat(e.rejectedValue()).isEqualTo(value);
            assertThat(e.getMessage()).doesNotContain("\n", "\r").startsWith("org.cohort.cluster: " + key + " = '");
            if ((value + e.reason()).chars().noneMatch(Character::isISOControl)) {
                assertThat(e.getMessage())
                        .isEqualTo("org.cohort.cluster: " + key + " = '" + value + "' refused: " + e.reason());
            }
            return e;
        }
    }
}
