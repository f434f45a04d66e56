package org.cohort.fuzz;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * How a stream fuzz target reads its input: not as the stream's bytes themselves, but as a short script
 * that writes them, so that the fuzzer can reach what needs a correct length prefix or 64 KiB of chunk
 * (a whole chunked message) with inputs of a few dozen bytes, and can still send any bytes at all.
 *
 * <p>The script is a sequence of operations, each an op byte (taken modulo 4) and its operands;
 * lengths are unsigned 16-bit big-endian; a truncated operation takes what is left:
 *
 * <pre>
 * 0 RAW     n:u16 bytes[n]                      the bytes as they are (any length prefix, any garbage)
 * 1 FRAME   type:u8 n:u16 body[n]               [length 1+n][type][body]: a well-framed frame
 * 2 PADDED  type:u8 n:u16 body[n] zeros:u16     [length 1+n+zeros][type][body][zeros]: a large frame
 * 3 SLICE                                       the stream arrives in a new read from here on
 * </pre>
 *
 * The stream is cut where the script says, and no operation starts once it holds the most bytes the
 * target asks for (each target asks for what it needs: every extra byte costs executions per second).
 */
public final class StreamScript {

    public static final int RAW = 0;
    public static final int FRAME = 1;
    public static final int PADDED = 2;
    public static final int SLICE = 3;

    private StreamScript() {
    }

    /** The reads a script describes, in order, up to about {@code maxStreamBytes}; none is empty. */
    public static List<byte[]> reads(byte[] script, int offset, int maxStreamBytes) {
        List<byte[]> reads = new ArrayList<>();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        int total = 0;
        Cursor in = new Cursor(script, offset);
        while (in.more() && total < maxStreamBytes) {
            int before = read.size();
            switch (in.u8() & 3) {
                case RAW -> read.writeBytes(in.bytes(in.u16()));
                case FRAME -> {
                    int type = in.u8();
                    byte[] body = in.bytes(in.u16());
                    writeFrame(read, type, body, 0);
                }
                case PADDED -> {
                    int type = in.u8();
                    byte[] body = in.bytes(in.u16());
                    writeFrame(read, type, body, in.u16());
                }
                default -> {
                    if (read.size() > 0) {
                        reads.add(read.toByteArray());
                        read.reset();
                    }
                }
            }
            total += read.size() - before;
        }
        if (read.size() > 0) {
            reads.add(read.toByteArray());
        }
        return reads;
    }

    private static void writeFrame(ByteArrayOutputStream out, int type, byte[] body, int zeros) {
        int length = 1 + body.length + zeros;
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.writeBytes(body);
        out.writeBytes(new byte[zeros]);
    }

    /** Writes scripts: how the seed inputs are made from the real encoders' output. */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer raw(byte[] bytes) {
            for (int from = 0; from < bytes.length; from += 0xffff) {
                int n = Math.min(0xffff, bytes.length - from);
                out.write(RAW);
                u16(n);
                out.write(bytes, from, n);
            }
            return this;
        }

        /**
         * One frame, {@code type} then {@code body}, written as FRAME, or as PADDED when the body ends in
         * zeros (a chunk of a zero-filled payload becomes a few bytes of script).
         */
        public Writer frame(int type, byte[] body) {
            int end = body.length;
            while (end > 0 && body[end - 1] == 0 && body.length - end < 0xffff) {
                end--;
            }
            int zeros = body.length - end;
            if (end > 0xffff) {
                throw new IllegalArgumentException("frame body of " + end + " bytes before its zeros");
            }
            out.write(zeros == 0 ? FRAME : PADDED);
            out.write(type);
            u16(end);
            out.write(body, 0, end);
            if (zeros > 0) {
                u16(zeros);
            }
            return this;
        }

        public Writer slice() {
            out.write(SLICE);
            return this;
        }

        public byte[] toByteArray() {
            return out.toByteArray();
        }

        private void u16(int n) {
            out.write(n >>> 8);
            out.write(n);
        }
    }

    private static final class Cursor {
        private final byte[] bytes;
        private int position;

        Cursor(byte[] bytes, int position) {
            this.bytes = bytes;
            this.position = Math.min(position, bytes.length);
        }

        boolean more() {
            return position < bytes.length;
        }

        int u8() {
            return more() ? bytes[position++] & 0xff : 0;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        byte[] bytes(int n) {
            int take = Math.min(n, bytes.length - position);
            byte[] taken = java.util.Arrays.copyOfRange(bytes, position, position + take);
            position += take;
            return taken;
        }
    }
}
