package org.cohort.fuzz.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Ticker;
import org.cohort.core.transport.DetachedStream;
import org.junit.jupiter.api.Test;

/**
 * A peer that breaks the protocol gets its stream closed "with one clear log line and a counter": the
 * frames already read behind the break are dropped unread (core's BadInputDropper), however many there
 * are. It was once one exception, one count and one WARN per frame (the stream fuzz target's timeout
 * input, 16,383 of them).
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
