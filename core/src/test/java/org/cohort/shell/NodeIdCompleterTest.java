package org.cohort.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.karaf.shell.support.parsing.CommandLineImpl;
import org.cohort.api.cluster.ClusterEventListener;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.junit.jupiter.api.Test;

class NodeIdCompleterTest {

    /** The members part of ClusterService, which is all the completer reads. */
    private record Members(List<ClusterMember> members) implements ClusterService {
        @Override
        public ClusterMember localMember() {
            return members.get(0);
        }

        @Override
        public Optional<ClusterMember> member(NodeId id) {
            return members.stream().filter(member -> member.id().equals(id)).findFirst();
        }

        @Override
        public void addListener(ClusterEventListener listener) {
        }

        @Override
        public void addListener(ClusterEventListener listener, boolean currentMembersFirst) {
        }

        @Override
        public void removeListener(ClusterEventListener listener) {
        }
    }

    private static ClusterMember member(String id, String ip) throws Exception {
        return new ClusterMember(new ControllerNode(NodeId.of(id), InetAddress.getByName(ip), 9876), NodeState.ACTIVE,
                Instant.EPOCH, 1, id.equals("node-1"));
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
        completer.cluster = new Members(List.of(member("node-1", "127.0.0.1"), member("node-2", "127.0.0.2"),
                member("other", "127.0.0.3")));
        assertThat(complete(completer, "no")).containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(complete(completer, "ot")).containsExactly("other");
        assertThat(complete(completer, "x")).isEmpty();
    }

    @Test
    void completesNothingWhileCohortIsDown() {
        assertThat(complete(new NodeIdCompleter(), "no")).isEmpty();
    }
}
