package org.cohort.fuzz.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import org.cohort.core.transport.DetachedStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, "Bad input": a peer that breaks the protocol gets its stream closed "with one clear log line
 * and a counter". Today every frame that was already read behind the break is decoded too, and each one
 * that is bad again counts, logs a WARN and builds an exception: one read of 5-byte junk frames makes
 * thousands (the stream fuzz target's timeout input). FAILS on main as of 9369ab2: a report for core's
 * StreamErrorHandler (or the decoders: skip what follows once BAD_INPUT is set), not a change to it.
 */
class BadFramesAfterTheBreakTest {

    @Test
    void aReadOfManyBadFramesCountsOneBadStream() {
        EmbeddedChannel channel = EmbeddedChannel.builder().ticker(Ticker.newMockTicker()).build();
        DetachedStream stream = DetachedStream.open(channel, StreamDecoderFuzzTest.PEER, StreamDecoderFuzzTest.settings(
                StreamDecoderFuzzTest.LOCAL), new StreamDecoderFuzzTest.Outcome(), () -> 0L);
        ByteBuf read = Unpooled.buffer();
        for (int i = 0; i < 1000; i++) {
            read.writeInt(1).writeByte(0); // a frame of type 0: bad, before and after the first one closed the stream
        }
        channel.writeInbound(read);

        assertThat(channel.isOpen()).isFalse();
        assertThat(stream.counters().get("badFrames")).as("bad frames counted for one bad stream").isEqualTo(1L);
        channel.finishAndReleaseAll();
    }
}
