package org.cohort.testtools.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.RemoteHandlerFailureException;
import org.cohort.testtools.message.LoadCodec;
import org.cohort.testtools.message.LoadMessage;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.receive.EchoResponder;
import org.cohort.testtools.receive.MessageReceiver;
import org.cohort.testtools.receive.ReceiveLedger;
import org.cohort.testtools.receive.StallGate;
import org.cohort.testtools.testing.Fakes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender and the whiteboard handlers wired through an in-memory stand-in for Cohort's messaging. */
class LaneSenderTest {

    private static final NodeId N2 = NodeId.of("node-2");
    private static final NodeId N3 = NodeId.of("node-3");
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final Fakes.Cluster cluster = new Fakes.Cluster(3);
    private final Fakes.Messaging messaging = new Fakes.Messaging(cluster);
    private final LoadCodec codec = new LoadCodec(Fakes.serialization());
    private final ReceiveLedger ledger = new ReceiveLedger();
    private final LaneSender sender = new LaneSender(messaging, cluster, codec);

    LaneSenderTest() {
        messaging.handlers.put(LoadSubjects.MESSAGE_SUBJECT, new MessageReceiver(codec, ledger, new StallGate()));
        // Every request reaches this one responder, which answers as node-2.
        messaging.handlers.put(LoadSubjects.ECHO_SUBJECT, new EchoResponder(codec, ledger, new Fakes.Cluster(3, 2), new StallGate()));
    }

    @AfterEach
    void close() {
        codec.close();
    }

    private ReceiveLedger.LaneFigures lane(String name) {
        return ledger.snapshot().lanes().stream().filter(lane -> lane.lane().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void unicastLanesAreNumberedPerReceiver() {
        assertThat(sender.unicast("send", N2, "a", null).seq()).isEqualTo(1);
        assertThat(sender.unicast("send", N2, "b", null).seq()).isEqualTo(2);
        assertThat(sender.unicast("send", N3, "c", null).seq()).isEqualTo(1);

        LoadMessage first = codec.decode(messaging.payloads("unicast").get(0));
        assertThat(first.origin()).isEqualTo("node-1");
        assertThat(first.epoch()).isEqualTo(sender.epoch());
        assertThat(first.lane()).isEqualTo("send");
        assertThat(first.text()).isEqualTo("a");
        assertThat(ledger.snapshot().last()).extracting(ReceiveLedger.Arrival::text).containsExactly("a", "b", "c");
    }

    @Test
    void aRefusedUnicastUsesNoNumberAndSaysWhy() {
        messaging.refuse.add(N2);
        LaneSender.Outcome full = sender.unicast("send", N2, "a", null);
        messaging.refuse.clear();
        cluster.set("node-2", NodeState.INACTIVE);
        LaneSender.Outcome down = sender.unicast("send", N2, "a", null);
        LaneSender.Outcome stranger = sender.unicast("send", NodeId.of("node-9"), "a", null);

        assertThat(full.sent()).isFalse();
        assertThat(full.refusal()).isEqualTo(Refusal.QUEUE_FULL);
        assertThat(full.seq()).isZero();
        assertThat(down.refusal()).isEqualTo(Refusal.NO_STREAM);
        assertThat(down.detail()).contains("no stream");
        assertThat(stranger.refusal()).isEqualTo(Refusal.UNKNOWN_NODE);

        cluster.set("node-2", NodeState.ACTIVE);
        assertThat(sender.unicast("send", N2, "b", null).seq()).isEqualTo(1);
        assertThat(lane("send").gaps()).isZero();
    }

    @Test
    void aBroadcastGoesToTheActiveMembersOnOneLane() {
        LaneSender.Outcome first = sender.broadcast("broadcast", "a", new byte[10]);
        cluster.set("node-3", NodeState.INACTIVE);
        LaneSender.Outcome second = sender.broadcast("broadcast", "b", null);

        assertThat(first.to()).containsExactly(N2, N3);
        assertThat(second.to()).containsExactly(N2);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(ledger.snapshot().senders()).containsExactly(new ReceiveLedger.SenderFigures("node-1", 2, 10));

        cluster.set("node-2", NodeState.INACTIVE);
        LaneSender.Outcome none = sender.broadcast("broadcast", "c", null);
        assertThat(none.refusal()).isEqualTo(Refusal.NO_ACTIVE_MEMBER);
        assertThat(messaging.payloads("broadcast")).hasSize(2);
    }

    @Test
    void aRequestIsAnsweredWithATypedReplyForThatVeryRequest() {
        LaneSender.Request first = sender.request("load-request", N2, "ping", new byte[100], TIMEOUT).orElseThrow();
        LaneSender.Request second = sender.request("load-request", N2, "ping", null, TIMEOUT).orElseThrow();

        LoadMessage reply = second.reply().join();
        assertThat(first.seq()).isEqualTo(1);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(reply.lane()).isEqualTo(LoadSubjects.LANE_ECHO_REPLY);
        assertThat(reply.seq()).isEqualTo(2);
        assertThat(reply.epoch()).isEqualTo(sender.epoch());
        assertThat(reply.padding()).isNull();
        assertThat(lane("load-request").received()).isEqualTo(2);
        assertThat(lane("load-request").subject()).isEqualTo(LoadSubjects.ECHO);
    }

    @Test
    void aReplyFromAnotherNodeThanAskedIsRefused() {
        LaneSender.Request request = sender.request("load-request", N3, "ping", null, TIMEOUT).orElseThrow();
        assertThatThrownBy(() -> request.reply().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(MismatchedReplyException.class);
    }

    @Test
    void requestFailuresComeBackAsCohortsExceptions() {
        messaging.refuse.add(N2);
        assertThatThrownBy(() -> sender.request("r", N2, "x", null, TIMEOUT).orElseThrow().reply().join())
                .hasCauseInstanceOf(NodeUnreachableException.class);
        messaging.handlers.remove(LoadSubjects.ECHO_SUBJECT);
        assertThatThrownBy(() -> sender.request("r", N3, "x", null, TIMEOUT).orElseThrow().reply().join())
                .hasCauseInstanceOf(NoRemoteHandlerException.class);
    }

    @Test
    void garbageIsCountedAndAGarbageRequestFails() {
        assertThat(new MessageReceiver(codec, ledger, new StallGate()).handle(new byte[] {1, 2, 3})).isNull();
        assertThatThrownBy(() -> messaging.sendAndReceive(LoadSubjects.ECHO_SUBJECT, new byte[] {9}, N2, TIMEOUT)
                .join()).hasCauseInstanceOf(RemoteHandlerFailureException.class);
        assertThat(ledger.snapshot().totals().undecodable()).isEqualTo(2);
    }

    @Test
    void everyRunHasItsOwnEpoch() {
        LaneSender restarted = new LaneSender(messaging, cluster, codec);
        sender.unicast("send", N2, "a", null);
        restarted.unicast("send", N2, "b", null);
        assertThat(restarted.epoch()).isNotEqualTo(sender.epoch());
        assertThat(lane("send").epochChanges()).isEqualTo(1);
        assertThat(lane("send").duplicates()).isZero();
    }

    @Test
    void membersAreListedWithoutThisNode() {
        cluster.set("node-3", NodeState.INACTIVE);
        assertThat(sender.otherMembers()).isEqualTo(List.of(N2, N3));
        assertThat(sender.activeOtherMembers()).isEqualTo(List.of(N2));
        assertThat(sender.localId()).isEqualTo(NodeId.of("node-1"));
    }
}
