package org.cohort.core.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder cut into reads as a socket delivers them: frames larger than a read (a large
 * partial frame, kept as a composite of the reads) and small frames split anywhere (merged) come out
 * whole and intact.
 */
class FrameDecoderTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(Frames.decoder(Frames.MAX_FRAME_BYTES));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static byte[] frame(int bodyBytes, long seed) {
        byte[] frame = new byte[Frames.LENGTH_BYTES + bodyBytes];
        new Random(seed).nextBytes(frame);
        Unpooled.wrappedBuffer(frame).setInt(0, bodyBytes);
        return frame;
    }

    /** Feeds the bytes in reads of {@code readBytes} and returns the frames' bodies. */
    private List<byte[]> feed(byte[] bytes, int readBytes) {
        List<byte[]> bodies = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += readBytes) {
            int length = Math.min(readBytes, bytes.length - at);
            ByteBuf read = channel.alloc().directBuffer(length).writeBytes(bytes, at, length);
            channel.writeInbound(read);
            for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
                byte[] body = new byte[frame.readableBytes()];
                frame.readBytes(body);
                frame.release();
                bodies.add(body);
            }
        }
        return bodies;
    }

    private static byte[] concat(List<byte[]> frames) {
        ByteBuf all = Unpooled.buffer();
        frames.forEach(all::writeBytes);
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        return bytes;
    }

    private static void assertBodies(List<byte[]> frames, List<byte[]> bodies) {
        assertThat(bodies).hasSameSizeAs(frames);
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i);
            byte[] expected = Arrays.copyOfRange(frame, Frames.LENGTH_BYTES, frame.length);
            assertThat(bodies.get(i)).as("frame %d", i).isEqualTo(expected);
        }
    }

    @Test
    void chunkFramesLargerThanAReadComeOutWhole() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            frames.add(frame(Frames.MAX_FRAME_BYTES - i * 7, i));
        }
        frames.add(frame(40, 99)); // a small one right behind, inside the last composite read

        assertBodies(frames, feed(concat(frames), 64 * 1024));
    }

    @Test
    void smallFramesSplitAnywhereComeOutWhole() {
        List<byte[]> frames = new ArrayList<>();
        Random sizes = new Random(7);
        for (int i = 0; i < 500; i++) {
            frames.add(frame(1 + sizes.nextInt(300), i));
        }
        byte[] bytes = concat(frames);

        for (int readBytes : new int[] {3, 101, 1000, 64 * 1024}) {
            assertBodies(frames, feed(bytes, readBytes));
        }
    }

    @Test
    void aLargeFrameBehindSmallOnesSwitchesToCompositeAndBack() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            frames.add(frame(100, i));
        }
        frames.add(frame(Frames.MAX_FRAME_BYTES, 1000));
        for (int i = 0; i < 100; i++) {
            frames.add(frame(100, 2000 + i));
        }

        assertBodies(frames, feed(concat(frames), 20_000));
    }
}
