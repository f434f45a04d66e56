package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.handshake.Direction;
import org.cohort.core.handshake.HelloException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** This node is n2: n1 has a smaller id, n3 a larger one. */
class StreamTableTest {

    private static final ControllerNode N1 = member(1);
    private static final ControllerNode N3 = member(3);

    private final StreamTable table = new StreamTable(NodeId.of("n2"));
    private final TransportCounters counters = new TransportCounters();
    private final MessageFramer framer = new MessageFramer(NodeId.of("n2"), 1 << 26, counters);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Test
    void firstAdmissionEmitsDetected() throws HelloException {
        Stream stream = stream(N1, 10, Direction.INBOUND);

        StreamTable.Admission admission = table.admit(stream, N1);

        assertThat(admission.events()).containsExactly(new NodeEvent.Detected(N1, 10));
        assertThat(admission.replaced()).isNull();
        assertThat(admission.cancelledDial()).isNull();
        assertThat(table.get(N1.id())).isSameAs(stream);
        assertThat(table.all()).containsExactly(stream);
        assertThat(table.busy(N1.id())).isTrue();
        assertThat(table.busy(N3.id())).isFalse();
    }

    @Test
    void aSecondStreamOfTheSameIncarnationIsRefusedWhileTheFirstIsLive() throws HelloException {
        Stream first = stream(N1, 10, Direction.INBOUND);
        table.admit(first, N1);

        assertRoutineRefusal(stream(N1, 10, Direction.INBOUND), N1, "already connected to n1");

        assertThat(table.get(N1.id())).isSameAs(first);
    }

    @Test
    void aSecondDialedStreamOfTheSameIncarnationIsRefusedToo() throws HelloException {
        // We (n2 > n1) gave up our dial for n1's; our dial's answer still arrives before its close.
        Channel dial = channel();
        assertThat(table.tryStartDial(N1.id(), dial)).isTrue();
        Stream accepted = stream(N1, 10, Direction.INBOUND);
        assertThat(table.admit(accepted, N1).cancelledDial()).isSameAs(dial);

        assertRoutineRefusal(new Stream(dial, N1.id(), 10, Direction.OUTBOUND, framer, counters, new PeerCounters(), null), N1,
                "already connected");

        assertThat(table.get(N1.id())).isSameAs(accepted);
    }

    @Test
    void aNewIncarnationReplacesTheStaleStream() throws HelloException {
        Stream stale = stream(N1, 10, Direction.INBOUND);
        table.admit(stale, N1);
        Stream fresh = stream(N1, 11, Direction.INBOUND);

        StreamTable.Admission admission = table.admit(fresh, N1);

        assertThat(admission.events())
                .containsExactly(new NodeEvent.Vanished(N1.id()), new NodeEvent.Detected(N1, 11));
        assertThat(admission.replaced()).isSameAs(stale);
        assertThat(admission.cancelledDial()).isNull();
        assertThat(table.get(N1.id())).isSameAs(fresh);
    }

    @Test
    void closingAReplacedStreamEmitsNothingButClosingTheLiveOneVanishes() throws HelloException {
        Stream stale = stream(N1, 10, Direction.INBOUND);
        table.admit(stale, N1);
        Stream fresh = stream(N1, 11, Direction.INBOUND);
        table.admit(fresh, N1);

        assertThat(table.closed(stale)).isEmpty();
        assertThat(table.get(N1.id())).isSameAs(fresh);

        assertThat(table.closed(fresh)).containsExactly(new NodeEvent.Vanished(N1.id()));
        assertThat(table.get(N1.id())).isNull();
        assertThat(table.busy(N1.id())).isFalse();

        assertThat(table.closed(fresh)).as("a second close is not a second loss").isEmpty();
    }

    @Test
    void closingAStreamThatWasNeverAdmittedEmitsNothing() {
        assertThat(table.closed(stream(N1, 10, Direction.INBOUND))).isEmpty();
    }

    @Test
    void simultaneousConnectKeepsOurDialWhenWeHaveTheSmallerId() throws HelloException {
        // n2 < n3: n3's dial loses, ours stays pending and is admitted when n3 answers it.
        Channel dial = channel();
        assertThat(table.tryStartDial(N3.id(), dial)).isTrue();

        assertRoutineRefusal(stream(N3, 30, Direction.INBOUND), N3, "simultaneous connect");

        assertThat(table.get(N3.id())).isNull();
        assertThat(table.busy(N3.id())).as("our dial is still pending").isTrue();
        Stream ours = new Stream(dial, N3.id(), 30, Direction.OUTBOUND, framer, counters, new PeerCounters(), null);
        StreamTable.Admission admission = table.admit(ours, N3);
        assertThat(admission.events()).containsExactly(new NodeEvent.Detected(N3, 30));
        assertThat(admission.cancelledDial()).isNull();
        assertThat(table.get(N3.id())).isSameAs(ours);
    }

    @Test
    void simultaneousConnectTakesThePeersDialWhenItHasTheSmallerId() throws HelloException {
        // n1 < n2: n1's dial wins and ours is cancelled.
        Channel dial = channel();
        assertThat(table.tryStartDial(N1.id(), dial)).isTrue();
        Stream theirs = stream(N1, 10, Direction.INBOUND);

        StreamTable.Admission admission = table.admit(theirs, N1);

        assertThat(admission.cancelledDial()).isSameAs(dial);
        assertThat(admission.replaced()).isNull();
        assertThat(admission.events()).containsExactly(new NodeEvent.Detected(N1, 10));
        assertThat(table.get(N1.id())).isSameAs(theirs);
        // The cancelled dial no longer counts as pending, and its end changes nothing.
        table.dialEnded(N1.id(), dial);
        assertThat(table.get(N1.id())).isSameAs(theirs);
        assertThat(table.busy(N1.id())).isTrue();
    }

    @Test
    void aDialedStreamWhoseDialEndedIsRefused() {
        Channel dial = channel();
        assertThat(table.tryStartDial(N1.id(), dial)).isTrue();
        table.dialEnded(N1.id(), dial);

        assertRoutineRefusal(new Stream(dial, N1.id(), 10, Direction.OUTBOUND, framer, counters, new PeerCounters(), null), N1,
                "superseded");

        assertThat(table.get(N1.id())).isNull();
    }

    @Test
    void aDialedStreamOnAnotherChannelThanThePendingDialIsRefused() {
        Channel pending = channel();
        assertThat(table.tryStartDial(N1.id(), pending)).isTrue();

        assertRoutineRefusal(stream(N1, 10, Direction.OUTBOUND), N1, "superseded");

        assertThat(table.busy(N1.id())).as("the pending dial is untouched").isTrue();
        assertThat(table.get(N1.id())).isNull();
    }

    @Test
    void aDialedStreamWithoutAnyDialIsRefused() {
        assertRoutineRefusal(stream(N3, 30, Direction.OUTBOUND), N3, "superseded");
    }

    @Test
    void tryStartDialRefusesWhenBusy() throws HelloException {
        Channel first = channel();
        Channel second = channel();
        assertThat(table.tryStartDial(N1.id(), first)).isTrue();
        assertThat(table.tryStartDial(N1.id(), second)).as("a dial is pending").isFalse();

        table.dialEnded(N1.id(), second);
        assertThat(table.tryStartDial(N1.id(), second)).as("only the pending dial's own end clears it").isFalse();

        table.dialEnded(N1.id(), first);
        assertThat(table.tryStartDial(N1.id(), second)).isTrue();

        table.admit(stream(N3, 30, Direction.INBOUND), N3);
        assertThat(table.tryStartDial(N3.id(), channel())).as("a stream is live").isFalse();
    }

    // ---- helpers ----

    private void assertRoutineRefusal(Stream candidate, ControllerNode member, String reason) {
        assertThatThrownBy(() -> table.admit(candidate, member))
                .isInstanceOf(HelloException.class)
                .hasMessageContaining(reason)
                .satisfies(e -> assertThat(((HelloException) e).isRoutine()).isTrue());
    }

    private Stream stream(ControllerNode peer, long incarnation, Direction direction) {
        return new Stream(channel(), peer.id(), incarnation, direction, framer, counters, new PeerCounters(), null);
    }

    private EmbeddedChannel channel() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        return channel;
    }

    private static ControllerNode member(int k) {
        try {
            return new ControllerNode(NodeId.of("n" + k), InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k}),
                    7000 + k);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
