package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.runtime.NodeClock;
import org.cohort.core.runtime.Randomness;
import org.junit.jupiter.api.Test;

/**
 * The router keeps where its last message went, and a new session, a removed one or a new roster sends
 * the next message where the roster and the sessions say, as if nothing had been kept.
 */
class MessageRouterTest {

    private static final NodeId SELF = NodeId.of("n1");
    private static final NodeId PEER = NodeId.of("n2");
    private static final NodeId THIRD = NodeId.of("n3");
    private static final MessageSubject SUBJECT = MessageSubject.of("s");

    private final Sessions sessions = new Sessions();
    private final TransportCounters counters = new TransportCounters();
    private final Roster.InForce roster = new Roster.InForce(roster(PEER));
    private final MessageRouter router = new MessageRouter(SELF, roster, sessions, new CommunicationsComponent(),
            counters, NodeClock.SYSTEM, () -> true);

    private static Roster roster(NodeId... others) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<ControllerNode> members = new ArrayList<>(List.of(new ControllerNode(SELF, loopback, 9001)));
        for (int k = 0; k < others.length; k++) {
            members.add(new ControllerNode(others[k], loopback, 9002 + k));
        }
        ClusterSettings defaults = ClusterSettings.defaults();
        ClusterSettings settings = new ClusterSettings("router", SELF, members, 1, Duration.ofMillis(250),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2), defaults.maxMessageBytes(),
                defaults.maxReassemblyBytes(), defaults.outboundQueueBytes(), defaults.failureDetection());
        return Roster.of(settings, Randomness.seeded(0));
    }

    private PeerSession open(NodeId peer, long incarnation) {
        return sessions.open(peer, incarnation, () -> new PeerSession(SELF, peer, incarnation,
                SessionLimits.of(roster.get().settings()), new PeerCounters(), NodeClock.SYSTEM));
    }

    private SendResult send(NodeId to) {
        return router.route(to, SUBJECT, new byte[8], Envelope.ONE_WAY, 0, (byte) 0);
    }

    @Test
    void aChangedSessionOrRosterIsSeenByTheNextMessage() {
        assertThat(send(PEER)).as("no session yet").isEqualTo(SendResult.NO_STREAM);

        PeerSession first = open(PEER, 1);
        assertThat(send(PEER)).isEqualTo(SendResult.ACCEPTED);
        assertThat(send(PEER)).isEqualTo(SendResult.ACCEPTED);
        long queued = first.queuedBytes();
        assertThat(queued).isPositive();

        PeerSession restarted = open(PEER, 2);
        assertThat(send(PEER)).isEqualTo(SendResult.ACCEPTED);
        assertThat(restarted.queuedBytes()).as("the new incarnation's session").isEqualTo(queued / 2);

        assertThat(router.route(PEER, new ClusterMessage(SELF, SUBJECT, new byte[8]), null, null))
                .isEqualTo(SendResult.ACCEPTED);
        assertThat(restarted.queuedBytes()).isEqualTo(queued);

        assertThat(send(THIRD)).as("not a member").isEqualTo(SendResult.UNKNOWN_NODE);
        roster.set(roster(PEER, THIRD));
        assertThat(send(THIRD)).as("a member now, with no session").isEqualTo(SendResult.NO_STREAM);
        roster.set(roster(THIRD));
        assertThat(send(PEER)).as("no longer a member").isEqualTo(SendResult.UNKNOWN_NODE);
        roster.set(roster(PEER));

        sessions.remove(PEER);
        assertThat(send(PEER)).as("its session removed").isEqualTo(SendResult.NO_STREAM);
        assertThat(counters.snapshot()).containsEntry("sendRefusedUnknownNode", 2L);
    }
}
