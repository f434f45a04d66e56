package org.cohort.core.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.CorruptedFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.frame.Frames;

/**
 * The session's control frames ({@link Frames#ACK}, {@link Frames#CREDIT}, {@link Frames#RESUME}),
 * written and read by hand. Reading checks only the shape and the ranges; whether the values make sense
 * for the session (an ack of what was never sent) is the session's to judge.
 */
final class SessionFrames {

    /** The largest window a peer may grant, in messages and in bytes: beyond, the grant is absurd. */
    static final int MAX_WINDOW_MESSAGES = 1 << 20;
    static final long MAX_WINDOW_BYTES = 1L << 32;

    /** A peer's RESUME. */
    record Resume(long epoch, long receivedThrough, long outcomesSent, long firstSeq, int windowMessages,
            long windowBytes) {
    }

    /** A peer's ACK. */
    record Ack(long receivedThrough, long outcomesSent) {
    }

    /** One subject's totals in a CREDIT frame. */
    record Credit(MessageSubject subject, long messages, long bytes) {
    }

    private static final int ACK_BYTES = 16;
    private static final int RESUME_BYTES = 8 + 8 + 8 + 8 + 4 + 8;
    private static final int CREDIT_FIXED_BYTES = 2 + 8 + 8;

    private SessionFrames() {
    }

    static ByteBuf ack(ByteBufAllocator allocator, long receivedThrough, long outcomesSent) {
        ByteBuf frame = Frames.start(allocator, Frames.ACK, ACK_BYTES);
        frame.writeLong(receivedThrough).writeLong(outcomesSent);
        Frames.finish(frame, 0);
        return frame;
    }

    static ByteBuf resume(ByteBufAllocator allocator, Resume resume) {
        ByteBuf frame = Frames.start(allocator, Frames.RESUME, RESUME_BYTES);
        frame.writeLong(resume.epoch()).writeLong(resume.receivedThrough()).writeLong(resume.outcomesSent())
                .writeLong(resume.firstSeq())
                .writeInt(resume.windowMessages()).writeLong(resume.windowBytes());
        Frames.finish(frame, 0);
        return frame;
    }

    /** CREDIT frames for the given totals, as many as they take. */
    static List<ByteBuf> credit(ByteBufAllocator allocator, List<Credit> credits) {
        List<ByteBuf> frames = new ArrayList<>();
        int i = 0;
        while (i < credits.size()) {
            List<byte[]> names = new ArrayList<>();
            int bytes = 2;
            int from = i;
            while (i < credits.size()) {
                byte[] name = credits.get(i).subject().value().getBytes(StandardCharsets.UTF_8);
                if (bytes + CREDIT_FIXED_BYTES + name.length > Frames.MAX_CREDIT_BYTES) {
                    break;
                }
                names.add(name);
                bytes += CREDIT_FIXED_BYTES + name.length;
                i++;
            }
            ByteBuf frame = Frames.start(allocator, Frames.CREDIT, bytes);
            frame.writeShort(names.size());
            for (int k = 0; k < names.size(); k++) {
                Credit credit = credits.get(from + k);
                frame.writeShort(names.get(k).length).writeBytes(names.get(k));
                frame.writeLong(credit.messages()).writeLong(credit.bytes());
            }
            Frames.finish(frame, 0);
            frames.add(frame);
        }
        return frames;
    }

    /** Reads an ACK body (after the type byte). */
    static Ack readAck(ByteBuf body) {
        exactly(body, ACK_BYTES, "ack");
        return new Ack(unsigned(body.readLong(), "ack"), unsigned(body.readLong(), "ack"));
    }

    /** Reads a RESUME body (after the type byte); a window out of range is an absurd grant. */
    static Resume readResume(ByteBuf body) {
        exactly(body, RESUME_BYTES, "resume");
        Resume resume = new Resume(unsigned(body.readLong(), "resume"), unsigned(body.readLong(), "resume"),
                unsigned(body.readLong(), "resume"),
                unsigned(body.readLong(), "resume"), body.readInt(), body.readLong());
        if (resume.firstSeq() < 1) {
            throw new CorruptedFrameException("resume at sequence number " + resume.firstSeq());
        }
        if (resume.windowMessages() < 1 || resume.windowMessages() > MAX_WINDOW_MESSAGES
                || resume.windowBytes() < 1 || resume.windowBytes() > MAX_WINDOW_BYTES) {
            throw new CorruptedFrameException("absurd credit window: " + resume.windowMessages() + " messages / "
                    + resume.windowBytes() + " bytes");
        }
        return resume;
    }

    /** Reads a CREDIT body (after the type byte). */
    static List<Credit> readCredit(ByteBuf body) {
        if (body.readableBytes() < 2) {
            throw new CorruptedFrameException("credit frame of " + body.readableBytes() + " bytes");
        }
        int count = body.readUnsignedShort();
        List<Credit> credits = new ArrayList<>(Math.min(count, 256));
        for (int k = 0; k < count; k++) {
            if (body.readableBytes() < CREDIT_FIXED_BYTES) {
                throw new CorruptedFrameException("truncated credit frame");
            }
            int length = body.readUnsignedShort();
            if (length < 1 || length > 3 * MessageSubject.MAX_LENGTH || body.readableBytes() < length + 16) {
                throw new CorruptedFrameException("credit for a subject of " + length + " bytes");
            }
            String subject = body.readCharSequence(length, StandardCharsets.UTF_8).toString();
            MessageSubject parsed;
            try {
                parsed = MessageSubject.of(subject);
            } catch (IllegalArgumentException e) {
                throw new CorruptedFrameException("credit for a bad subject: " + e.getMessage());
            }
            credits.add(new Credit(parsed, unsigned(body.readLong(), "credit"), unsigned(body.readLong(), "credit")));
        }
        if (body.isReadable()) {
            throw new CorruptedFrameException(body.readableBytes() + " bytes after the credit frame's subjects");
        }
        return credits;
    }

    private static void exactly(ByteBuf body, int bytes, String what) {
        if (body.readableBytes() != bytes) {
            throw new CorruptedFrameException(what + " frame of " + body.readableBytes() + " bytes, not " + bytes);
        }
    }

    private static long unsigned(long value, String what) {
        if (value < 0) {
            throw new CorruptedFrameException(what + " frame with a negative total");
        }
        return value;
    }
}
