package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.frame.Frames;
import org.junit.jupiter.api.Test;

/** A peer's goodbye marks its stream left and closes it; a malformed one is bad input; other frames pass. */
class GoodbyeHandlerTest {

    private final TransportCounters counters = new TransportCounters();
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new GoodbyeHandler(NodeId.of("n1")), new StreamErrorHandler(counters));

    /** A frame as the frame decoder passes it on: type and body, no length prefix. */
    private static ByteBuf frame(int type, int... body) {
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(type);
        for (int b : body) {
            frame.writeByte(b);
        }
        return frame;
    }

    @Test
    void theGoodbyeThisNodeWritesIsItsLengthTypeAndReason() {
        ByteBuf frame = GoodbyeHandler.frame(ByteBufAllocator.DEFAULT, Frames.GOODBYE_STOPPING);
        try {
            assertThat(ByteBufUtil.getBytes(frame)).containsExactly(0, 0, 0, 2, Frames.GOODBYE, 0);
        } finally {
            frame.release();
        }
    }

    @Test
    void aGoodbyeMarksTheStreamLeftAndClosesItWithoutBadInput() {
        ByteBuf goodbye = frame(Frames.GOODBYE, Frames.GOODBYE_STOPPING);

        channel.writeInbound(goodbye);

        assertThat(goodbye.refCnt()).isZero();
        assertThat(channel.isOpen()).isFalse();
        assertThat(GoodbyeHandler.saidGoodbye(channel)).isTrue();
        assertThat(channel.attr(StreamErrorHandler.BAD_INPUT).get()).isNull();
        assertThat(counters.badFrames.sum()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aReasonThisNodeDoesNotKnowStillMeansGoodbye() {
        channel.writeInbound(frame(Frames.GOODBYE, 200));

        assertThat(GoodbyeHandler.saidGoodbye(channel)).isTrue();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void framesBehindAGoodbyeAreDroppedUnread() {
        ByteBuf behind = frame(Frames.MESSAGE, 1, 2, 3);

        channel.writeInbound(frame(Frames.GOODBYE, Frames.GOODBYE_STOPPING), behind);

        assertThat(behind.refCnt()).isZero();
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void aGoodbyeWithoutItsReasonIsBadInput() {
        channel.writeInbound(frame(Frames.GOODBYE));

        assertBadInput();
    }

    @Test
    void aGoodbyeLongerThanItsReasonIsBadInput() {
        ByteBuf goodbye = frame(Frames.GOODBYE, 0, 0);

        channel.writeInbound(goodbye);

        assertThat(goodbye.refCnt()).isZero();
        assertBadInput();
    }

    private void assertBadInput() {
        assertThat(channel.isOpen()).isFalse();
        assertThat(GoodbyeHandler.saidGoodbye(channel)).isFalse();
        assertThat(channel.attr(StreamErrorHandler.BAD_INPUT).get()).isTrue();
        assertThat(counters.badFrames.sum()).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    @Test
    void otherFramesPassOnUntouched() {
        ByteBuf message = frame(Frames.MESSAGE, 1, 2, 3);

        channel.writeInbound(message);

        ByteBuf passed = channel.readInbound();
        assertThat(passed).isSameAs(message);
        assertThat(passed.readerIndex()).isZero();
        passed.release();
        assertThat(channel.isOpen()).isTrue();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
