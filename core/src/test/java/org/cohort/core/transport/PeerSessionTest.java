package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.DeliveryDeadlineException;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerRestartedException;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.SendResult;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lossless session between two nodes, on streams a test pumps, cuts and reopens by hand. */
class PeerSessionTest {

    private static final MessageSubject FLOW = MessageSubject.of("test.flow");
    private static final MessageSubject SLOW = MessageSubject.of("test.slow");
    private static final MessageSubject FAST = MessageSubject.of("test.fast");

    private SessionPair pair;

    @AfterEach
    void close() {
        if (pair != null) {
            pair.close();
        }
    }

    private static List<Integer> numbers(List<ClusterMessage> messages) {
        return messages.stream().map(message -> ByteBuffer.wrap(message.payload()).getInt()).toList();
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = from; i < to; i++) {
            numbers.add(i);
        }
        return numbers;
    }

    @Test
    void messagesArriveOnceInOrderAndTheirFuturesCompleteWhenAcknowledged() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            outcomes.add(pair.a.deliver(FLOW, i));
        }

        pair.pump();

        assertThat(numbers(pair.b.intake.accepted)).containsExactlyElementsOf(range(0, 500));
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isCompleted().isNotCompletedExceptionally());
        assertThat(pair.a.session.resendBytes()).isZero();
        assertThat(pair.a.peerCounters.delivery()).containsEntry("sent", 500L).containsEntry("acked", 500L)
                .containsEntry("resent", 0L);
    }

    @Test
    void aResetLosesNothingAndDeliversNothingTwice() {
        pair = new SessionPair(SessionPair.limits(4096, 64L << 20));
        pair.payloadPadding = 2000; // ~32 messages per batch buffer: a cut falls between messages
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            outcomes.add(pair.a.deliver(FLOW, i));
        }
        AtomicInteger passed = new AtomicInteger();
        // The first ten buffers arrive; the rest, and every ack, are lost with the stream.
        pair.pump(frame -> passed.incrementAndGet() <= 10, SessionPair.onlyResume());
        int before = pair.b.intake.accepted.size();
        assertThat(before).as("some, not all, arrived before the cut").isBetween(1, 999);
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isNotDone());

        pair.cut();
        pair.reconnect();
        pair.pump();

        assertThat(numbers(pair.b.intake.accepted)).containsExactlyElementsOf(range(0, 1000));
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isCompleted().isNotCompletedExceptionally());
        assertThat(pair.a.peerCounters.delivery()).containsEntry("sent", 1000L).containsEntry("acked", 1000L)
                .containsEntry("resent", 1000L - before);
        assertThat(pair.a.badFrames() + pair.b.badFrames()).isZero();
    }

    @Test
    void aStalledSubjectWaitsForCreditWhileAnotherFlowsAndCatchesUpWhenItsSubscriberDoes() {
        pair = new SessionPair(SessionPair.limits(100, 4L << 20));
        pair.b.intake.answer(SLOW, RecordingIntake.Answer.HOLD);
        for (int i = 0; i < 1000; i++) {
            assertThat(pair.a.send(SLOW, i)).isEqualTo(SendResult.ACCEPTED);
        }
        for (int i = 0; i < 300; i++) {
            pair.a.send(FAST, i);
        }

        pair.pump();

        assertThat(numbers(pair.b.intake.accepted(SLOW))).as("one window, no more").containsExactlyElementsOf(range(0, 100));
        assertThat(numbers(pair.b.intake.accepted(FAST))).containsExactlyElementsOf(range(0, 300));

        for (int round = 0; round < 20 && pair.b.intake.accepted(SLOW).size() < 1000; round++) {
            pair.b.intake.release();
            pair.pump();
        }

        assertThat(numbers(pair.b.intake.accepted(SLOW))).containsExactlyElementsOf(range(0, 1000));
        assertThat(pair.a.badFrames() + pair.b.badFrames()).as("nobody sent beyond its credit").isZero();
    }

    @Test
    void creditIsNeitherLeakedNorDoubledAcrossAReset() {
        pair = new SessionPair(SessionPair.limits(50, 4L << 20));
        pair.b.intake.answer(SLOW, RecordingIntake.Answer.HOLD);
        for (int i = 0; i < 400; i++) {
            pair.a.send(SLOW, i);
        }
        pair.pump();
        assertThat(pair.b.intake.accepted(SLOW)).hasSize(50);

        // The subscriber consumes while the stream is down: the credit frames it causes are lost.
        pair.cut();
        pair.b.intake.release();
        pair.reconnect();
        pair.pump();
        assertThat(pair.b.intake.accepted(SLOW)).as("the credit told again on the new stream, once").hasSize(100);

        for (int round = 0; round < 20 && pair.b.intake.accepted(SLOW).size() < 400; round++) {
            pair.b.intake.release();
            pair.pump();
        }
        assertThat(numbers(pair.b.intake.accepted(SLOW))).containsExactlyElementsOf(range(0, 400));
        assertThat(pair.a.badFrames() + pair.b.badFrames()).isZero();
    }

    @Test
    void whatThePeerDoesNotAcceptFailsItsFutureWithTheReasonAndTheRestSucceed() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        MessageSubject gone = MessageSubject.of("test.gone");
        MessageSubject busy = MessageSubject.of("test.busy");
        pair.b.intake.answer(gone, RecordingIntake.Answer.NO_HANDLER);
        pair.b.intake.answer(busy, RecordingIntake.Answer.REFUSE);
        CompletableFuture<Void> before = pair.a.deliver(FLOW, 1);
        CompletableFuture<Void> noHandler = pair.a.deliver(gone, 2);
        CompletableFuture<Void> refused = pair.a.deliver(busy, 3);
        CompletableFuture<Void> after = pair.a.deliver(FLOW, 4);

        pair.pump();

        assertThat(before).isCompleted().isNotCompletedExceptionally();
        assertThat(after).isCompleted().isNotCompletedExceptionally();
        assertThat(noHandler).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NoRemoteHandlerException.class).withMessageContaining("test.gone");
        assertThat(refused).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(PeerOverloadedException.class);
        assertThat(pair.a.peerCounters.delivery()).containsEntry("failedBack.noHandler", 1L)
                .containsEntry("failedBack.refused", 1L).containsEntry("acked", 2L);
    }

    @Test
    void aMessageRefusedWhenItsReadIsHandedOnFailsItsFutureAndIsNeverCountedAsAcknowledged() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        MessageSubject closing = MessageSubject.of("test.closing");
        pair.b.intake.answer(closing, RecordingIntake.Answer.REFUSE_AT_HAND_OFF);
        List<CompletableFuture<Void>> flowing = new ArrayList<>();
        List<CompletableFuture<Void>> refused = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flowing.add(pair.a.deliver(FLOW, i));
            refused.add(pair.a.deliver(closing, i));
        }

        pair.pump();

        assertThat(pair.b.intake.handOffs).as("the messages came in reads of more than one").anyMatch(n -> n > 1);
        assertThat(flowing).allSatisfy(future -> assertThat(future).isCompleted().isNotCompletedExceptionally());
        assertThat(refused).allSatisfy(future -> assertThat(future).failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(PeerOverloadedException.class));
        assertThat(pair.a.peerCounters.delivery()).containsEntry("failedBack.refused", 20L).containsEntry("acked", 20L);
        assertThat(numbers(pair.b.intake.accepted(FLOW))).containsExactlyElementsOf(range(0, 20));
        assertThat(pair.a.badFrames() + pair.b.badFrames()).isZero();
    }

    @Test
    void anUnacceptedMessageIsReportedEvenWhenItsOutcomeIsLostInAReset() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        MessageSubject gone = MessageSubject.of("test.gone");
        pair.b.intake.answer(gone, RecordingIntake.Answer.NO_HANDLER);
        CompletableFuture<Void> noHandler = pair.a.deliver(gone, 1);
        CompletableFuture<Void> next = pair.a.deliver(FLOW, 2);

        pair.pump(frame -> true, SessionPair.onlyResume()); // B's ack and its outcome message are lost
        pair.cut();
        pair.reconnect();
        pair.pump();

        assertThat(noHandler).isCompletedExceptionally();
        assertThat(next).isCompleted().isNotCompletedExceptionally();
        assertThat(numbers(pair.b.intake.accepted)).containsExactly(2);
    }

    @Test
    void aFullResendBufferRefusesNewSendsAndKeepsTheOldOnes() {
        pair = new SessionPair(new SessionLimits(64L << 20, 4096, 4096, 4L << 20, Duration.ofSeconds(10).toNanos()));
        pair.pump(); // both RESUMEs
        pair.payloadPadding = 100;
        int accepted = 0;
        SendResult result;
        while ((result = pair.a.send(FLOW, accepted)) == SendResult.ACCEPTED && accepted < 1000) {
            accepted++;
            pair.pumpAToB(); // B's acks wait on its side: nothing is acknowledged yet
        }

        assertThat(result).isEqualTo(SendResult.RESEND_FULL);
        assertThat(pair.a.peerCounters.delivery()).containsEntry("refused.RESEND_FULL", 1L);
        pair.pump();
        assertThat(pair.a.send(FLOW, accepted)).as("the acks made room").isEqualTo(SendResult.ACCEPTED);
        pair.pump();
        assertThat(numbers(pair.b.intake.accepted)).containsExactlyElementsOf(range(0, accepted + 1));
    }

    @Test
    void aMessagePastItsDeadlineIsNotSentAndItsSenderIsTold() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        CompletableFuture<Void> stale = pair.a.deliver(FLOW, 1, pair.clock.nanoTime() + 1_000_000);
        CompletableFuture<Void> fresh = pair.a.deliver(FLOW, 2, pair.clock.nanoTime() + 60_000_000_000L);
        pair.clock.advance(Duration.ofMillis(5));

        pair.pump();

        assertThat(stale).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(DeliveryDeadlineException.class);
        assertThat(fresh).isCompleted().isNotCompletedExceptionally();
        assertThat(numbers(pair.b.intake.accepted)).containsExactly(2);
    }

    @Test
    void aMessageResentPastItsDeadlineIsDroppedByThePeerWhichSaysSo() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        CompletableFuture<Void> late = pair.a.deliver(FLOW, 1, pair.clock.nanoTime() + 1_000_000);
        pair.pump(frame -> false, frame -> true); // written, then lost
        pair.cut();
        pair.clock.advance(Duration.ofMillis(5));
        pair.reconnect();
        pair.pump();

        assertThat(late).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(DeliveryDeadlineException.class);
        assertThat(pair.b.intake.accepted).isEmpty();
    }

    @Test
    void withoutAStreamForTheLingerWhatWasNeverSentFailsBackAndWhatWasSentWaitsForThePeer() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        pair.a.send(FLOW, 0);
        pair.pump();
        CompletableFuture<Void> arrived = pair.a.deliver(FLOW, 1);
        pair.pump(frame -> true, frame -> false); // handed on, its ack lost
        CompletableFuture<Void> lost = pair.a.deliver(FLOW, 2);
        pair.pump(frame -> false, frame -> true); // written, then lost
        pair.cut();
        CompletableFuture<Void> queued = pair.a.deliver(FLOW, 3);

        pair.clock.advance(Duration.ofSeconds(10));
        assertThat(pair.a.session.expireIfDetached(Duration.ofSeconds(10).toNanos())).isTrue();

        assertThat(queued).as("never sent: the peer cannot have it").failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NodeUnreachableException.class);
        assertThat(arrived).as("the peer has it: failing it would be a lie").isNotDone();
        assertThat(lost).as("sent: only the peer can say").isNotDone();
        assertThat(pair.a.send(FLOW, 4)).as("refused until the peer is back").isEqualTo(SendResult.NO_STREAM);

        pair.reconnect();
        pair.pump();
        assertThat(arrived).isCompleted().isNotCompletedExceptionally();
        assertThat(lost).isCompleted().isNotCompletedExceptionally();
        CompletableFuture<Void> after = pair.a.deliver(FLOW, 5);
        pair.pump();
        assertThat(after).isCompleted().isNotCompletedExceptionally();
        assertThat(numbers(pair.b.intake.accepted)).as("each once, in order").containsExactly(0, 1, 2, 5);
        assertThat(pair.a.badFrames() + pair.b.badFrames()).isZero();
    }

    @Test
    void aLargeBacklogGoesOutInFlushesOfAtMostTheDrainBudgetEach() {
        pair = new SessionPair(SessionPair.limits(4096, 8L << 20));
        pair.pump();
        List<Long> flushed = new ArrayList<>();
        pair.a.channel.pipeline().addFirst(new io.netty.channel.ChannelOutboundHandlerAdapter() {
            private long pending;

            @Override
            public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                    io.netty.channel.ChannelPromise promise) {
                pending += ((io.netty.buffer.ByteBuf) msg).readableBytes();
                ctx.write(msg, promise);
            }

            @Override
            public void flush(io.netty.channel.ChannelHandlerContext ctx) {
                if (pending > 0) {
                    flushed.add(pending);
                    pending = 0;
                }
                ctx.flush();
            }
        });
        pair.payloadPadding = 1020;
        for (int i = 0; i < 2048; i++) { // 2 MiB, with a write buffer here of 8 MiB before it is full
            assertThat(pair.a.send(FLOW, i)).isEqualTo(SendResult.ACCEPTED);
        }

        pair.pump();

        assertThat(numbers(pair.b.intake.accepted)).containsExactlyElementsOf(range(0, 2048));
        // 256 KiB per drain, and the 64 KiB batch that crossed it: the figures the event loop is held for.
        assertThat(flushed).as("each drain flushes at most its budget and yields")
                .allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(320 * 1024L))
                .hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void aNewIncarnationAfterTheLingerFailsWhatWasKeptAsRestarted() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        CompletableFuture<Void> sent = pair.a.deliver(FLOW, 1);
        pair.pump(frame -> false, frame -> true);
        pair.cut();
        pair.clock.advance(Duration.ofSeconds(10));
        assertThat(pair.a.session.expireIfDetached(Duration.ofSeconds(10).toNanos())).isTrue();
        assertThat(sent).isNotDone();

        PeerRestartedException restarted = new PeerRestartedException("a new incarnation of node-b answered");
        pair.a.session.end(restarted, restarted, DeliveryOutcome.RESTARTED);

        assertThat(sent).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(PeerRestartedException.class);
    }

    @Test
    void aPeerThatLeavesLeavesWhatItWasSentUnconfirmedAndWhatWasQueuedUndelivered() {
        // Found by the simulator: a goodbye, a removal or a stop failed messages the peer had taken.
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        pair.pump();
        CompletableFuture<Void> arrived = pair.a.deliver(FLOW, 1);
        pair.pump(frame -> true, frame -> false); // handed on, its ack lost
        pair.cut();
        CompletableFuture<Void> queued = pair.a.deliver(FLOW, 2);

        pair.a.session.left();

        assertThat(arrived).as("the peer may have it: only 'unconfirmed' is true").failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseExactlyInstanceOf(org.cohort.api.messaging.DeliveryUnconfirmedException.class);
        assertThat(queued).as("never sent: the peer cannot have it").failsWithin(Duration.ZERO)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(NodeUnreachableException.class);
    }

    @Test
    void largeMessagesAreNumberedAsTheyCompleteAndSurviveAReset() {
        pair = new SessionPair(SessionPair.limits(4096, 64L << 20));
        MessageSubject bulk = MessageSubject.of("test.bulk");
        pair.payloadPadding = 300_000; // five chunks each
        for (int i = 0; i < 4; i++) {
            pair.a.send(bulk, i);
        }
        pair.payloadPadding = 10;
        for (int i = 0; i < 50; i++) {
            pair.a.send(FLOW, i);
        }
        AtomicInteger passed = new AtomicInteger();
        pair.pump(frame -> passed.incrementAndGet() <= 6, frame -> frame.readableBytes() > 0);
        pair.cut();
        pair.reconnect();
        pair.pump();

        assertThat(numbers(pair.b.intake.accepted(bulk))).containsExactly(0, 1, 2, 3);
        assertThat(numbers(pair.b.intake.accepted(FLOW))).containsExactlyElementsOf(range(0, 50));
        assertThat(pair.a.badFrames() + pair.b.badFrames()).isZero();
        assertThat(pair.a.session.idle()).isTrue();
    }

    @Test
    void theSessionsControlFramesAreOnTheWire() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        List<Byte> types = new ArrayList<>();
        pair.a.send(FLOW, 1);
        pair.pump(frame -> true, frame -> types.add(SessionPair.typeOf(frame)));
        assertThat(types).contains(Frames.RESUME, Frames.ACK);
    }

    @Test
    void atMostOnceMessagesTakeNoCreditAreNotKeptAndCompleteOnceWritten() {
        pair = new SessionPair(SessionPair.limits(100, 4L << 20));
        pair.b.intake.answer(SLOW, RecordingIntake.Answer.HOLD);
        List<CompletableFuture<Void>> outcomes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            CompletableFuture<Void> outcome = new CompletableFuture<>();
            pair.a.session.offer(OutboundMessage.of(pair.a.message(SLOW, i), outcome, 0, null, true));
            outcomes.add(outcome);
        }

        pair.pump();

        assertThat(numbers(pair.b.intake.accepted(SLOW))).as("beyond the window: no credit is asked")
                .containsExactlyElementsOf(range(0, 300));
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isCompleted().isNotCompletedExceptionally());
        assertThat(pair.a.session.resendBytes()).isZero();
        assertThat(pair.a.session.idle()).isTrue();
    }

    @Test
    void aMessageWaitingForCreditFailsWhenItsDeadlinePasses() {
        pair = new SessionPair(SessionPair.limits(16, 4L << 20));
        pair.b.intake.answer(SLOW, RecordingIntake.Answer.HOLD);
        for (int i = 0; i < 16; i++) {
            pair.a.send(SLOW, i);
        }
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        OutboundMessage late = OutboundMessage.of(pair.a.message(SLOW, 16), waiting,
                pair.clock.nanoTime() + 1_000_000, null, false);
        pair.a.session.offer(late);
        pair.a.send(SLOW, 17);
        pair.pump();
        assertThat(waiting).as("no credit: it waits").isNotDone();

        pair.clock.advance(Duration.ofMillis(2));
        pair.a.session.deadlinePassed(late);

        assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(DeliveryDeadlineException.class);
        for (int round = 0; round < 5; round++) {
            pair.b.intake.release();
            pair.pump();
        }
        assertThat(numbers(pair.b.intake.accepted(SLOW))).containsExactlyElementsOf(
                java.util.stream.IntStream.of(java.util.stream.IntStream.range(0, 16).toArray()).boxed()
                        .collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(),
                                list -> { list.add(17); return list; })));
    }

    @Test
    void aDelegateThatThrowsRefusesTheMessageAndHoldsUpNothingAfterIt() {
        pair = new SessionPair(SessionPair.limits(4096, 4L << 20));
        MessageSubject broken = MessageSubject.of("test.broken");
        pair.b.intake.answer(broken, RecordingIntake.Answer.THROW);
        CompletableFuture<Void> failing = pair.a.deliver(broken, 1);
        List<CompletableFuture<Void>> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            after.add(pair.a.deliver(FLOW, i));
        }

        pair.pump();

        assertThat(failing).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(PeerOverloadedException.class);
        assertThat(after).as("the ack goes on past it").allSatisfy(outcome -> assertThat(outcome).isCompleted()
                .isNotCompletedExceptionally());
        assertThat(pair.b.channel.isActive()).as("the delegate's failure is not the peer's").isTrue();
        assertThat(pair.a.session.idle()).isTrue();
    }
}
