package org.cohort.core.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.karaf.shell.support.parsing.CommandLineImpl;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.transport.ClusterStatus;
import org.cohort.core.transport.PeerStats;
import org.junit.jupiter.api.Test;

class NodeIdCompleterTest {

    private static ClusterSettings settings() throws Exception {
        List<ControllerNode> members = List.of(
                new ControllerNode(NodeId.of("node-1"), InetAddress.getByName("127.0.0.1"), 9876),
                new ControllerNode(NodeId.of("node-2"), InetAddress.getByName("127.0.0.2"), 9876),
                new ControllerNode(NodeId.of("other"), InetAddress.getByName("127.0.0.3"), 9876));
        return new ClusterSettings("c", NodeId.of("node-1"), members, 3, Duration.ofMillis(250), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(2), 1 << 20, 1 << 26);
    }

    private static List<String> complete(NodeIdCompleter completer, String typed) {
        String buffer = "cluster:send " + typed;
        CommandLineImpl line = new CommandLineImpl(new String[] {"cluster:send", typed}, 1, typed.length(),
                buffer.length(), buffer);
        List<String> candidates = new ArrayList<>();
        completer.complete(null, line, candidates);
        return candidates.stream().map(String::trim).toList();
    }

    @Test
    void completesMemberIdsByPrefix() throws Exception {
        NodeIdCompleter completer = new NodeIdCompleter();
        ClusterSettings settings = settings();
        completer.status = new ClusterStatus() {
            @Override
            public long incarnation() {
                return 1;
            }

            @Override
            public ClusterSettings settings() {
                return settings;
            }

            @Override
            public Map<String, Long> counters() {
                return Map.of();
            }

            @Override
            public Map<String, Long> handshakesRefusedByReason() {
                return Map.of();
            }

            @Override
            public SortedMap<NodeId, PeerStats> peers() {
                return new TreeMap<>();
            }
        };
        assertThat(complete(completer, "no")).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(complete(completer, "ot")).containsExactly("other");
        assertThat(complete(completer, "x")).isEmpty();
    }

    @Test
    void completesNothingWithoutAConfiguration() {
        assertThat(complete(new NodeIdCompleter(), "no")).isEmpty();
    }
}
