package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.envelope.Envelope;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that lies about the session (acks what was never sent, grants absurd credit, replays or skips
 * sequence numbers, claims a resend point beyond what was sent, sends beyond its credit) breaks the
 * protocol: its stream closes, counted as a bad frame, and nothing is delivered twice.
 */
class HostileSessionTest {

    private static final MessageSubject FLOW = MessageSubject.of("test.flow");

    private final SessionPair pair = new SessionPair(SessionPair.limits(10, 1L << 20));

    @AfterEach
    void close() {
        pair.close();
    }

    /** Feeds raw frames (type and body, as the frame decoder cuts them, with their length) to an end. */
    private static void feed(SessionPair.End end, ByteBuf... frames) {
        for (ByteBuf frame : frames) {
            end.channel.writeInbound(frame);
        }
        end.channel.runPendingTasks();
    }

    private static ByteBuf resume(long epoch, long receivedThrough, long firstSeq, int windowMessages, long windowBytes) {
        return SessionFrames.resume(Unpooled.buffer().alloc(),
                new SessionFrames.Resume(epoch, receivedThrough, 0, firstSeq, windowMessages, windowBytes));
    }

    private static ByteBuf message(ClusterMessage message, long seq) {
        ByteBuf frame = Frames.start(Unpooled.buffer().alloc(), Frames.MESSAGE,
                Frames.DELIVERY_HEADER_BYTES + Envelope.maxEncodedLength(message));
        frame.writeLong(seq).writeInt(0);
        Envelope.encode(message, frame);
        Frames.finish(frame, 0);
        return frame;
    }

    private void assertClosedForBadInput(SessionPair.End end) {
        assertThat(end.channel.isActive()).as("the stream is closed").isFalse();
        assertThat(end.badFrames()).as("counted as bad input, once").isEqualTo(1);
    }

    @Test
    void anAckOfWhatWasNeverSent() {
        feed(pair.a, resume(1, 0, 1, 10, 1 << 20), SessionFrames.ack(Unpooled.buffer().alloc(), 5, 0));
        assertClosedForBadInput(pair.a);
    }

    @Test
    void aResendPointBeyondWhatWasSent() {
        feed(pair.a, resume(1, 3, 1, 10, 1 << 20));
        assertClosedForBadInput(pair.a);
    }

    @Test
    void anAbsurdCreditWindow() {
        feed(pair.a, resume(1, 0, 1, 0, 1 << 20));
        assertClosedForBadInput(pair.a);
    }

    @Test
    void aWindowBeyondAnyBound() {
        feed(pair.a, resume(1, 0, 1, 10, Long.MAX_VALUE));
        assertClosedForBadInput(pair.a);
    }

    @Test
    void creditForWhatWasNeverSent() {
        feed(pair.a, resume(1, 0, 1, 10, 1 << 20), SessionFrames.credit(Unpooled.buffer().alloc(),
                List.of(new SessionFrames.Credit(FLOW, 1, 10))).get(0));
        assertClosedForBadInput(pair.a);
    }

    @Test
    void aMessageBeforeTheResume() {
        feed(pair.b, message(pair.a.message(FLOW, 1), 1));
        assertClosedForBadInput(pair.b);
        assertThat(pair.b.intake.accepted).isEmpty();
    }

    @Test
    void aReplayedSequenceNumberDeliversNothingTwice() {
        feed(pair.b, resume(1, 0, 1, 10, 1 << 20), message(pair.a.message(FLOW, 1), 1),
                message(pair.a.message(FLOW, 2), 2), message(pair.a.message(FLOW, 1), 1));
        assertClosedForBadInput(pair.b);
        assertThat(pair.b.intake.accepted).hasSize(2);
    }

    @Test
    void aSkippedSequenceNumber() {
        feed(pair.b, resume(1, 0, 1, 10, 1 << 20), message(pair.a.message(FLOW, 1), 1),
                message(pair.a.message(FLOW, 3), 3));
        assertClosedForBadInput(pair.b);
        assertThat(pair.b.intake.accepted).hasSize(1);
    }

    @Test
    void messagesBeyondTheCreditGranted() {
        pair.b.intake.answer(FLOW, RecordingIntake.Answer.HOLD);
        feed(pair.b, resume(1, 0, 1, 10, 1 << 20));
        for (int seq = 1; seq <= 10; seq++) {
            feed(pair.b, message(pair.a.message(FLOW, seq), seq));
        }
        assertThat(pair.b.channel.isActive()).as("a window's worth is fine").isTrue();

        feed(pair.b, message(pair.a.message(FLOW, 11), 11));

        assertClosedForBadInput(pair.b);
        assertThat(pair.b.intake.accepted).hasSize(10);
    }

    @Test
    void aMalformedOutcomeMessage() {
        ClusterMessage outcome = new ClusterMessage(SessionPair.A, OutcomeMessage.SUBJECT, new byte[] {1, 2});
        feed(pair.b, resume(1, 0, 1, 10, 1 << 20), message(outcome, 1));
        assertClosedForBadInput(pair.b);
    }
}
