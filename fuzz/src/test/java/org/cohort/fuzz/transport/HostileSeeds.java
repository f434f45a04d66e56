package org.cohort.fuzz.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cohort.core.frame.Frames;
import org.cohort.fuzz.StreamScript;

/**
 * Seeds of {@link StreamDecoderFuzzTest} that open a session as the real sender does (its RESUME, numbered
 * messages) and then break one of the session's rules, so that the fuzzer starts next to each check:
 * an ack of what was never sent, a resume point beyond it, an absurd credit window, a replayed or skipped
 * sequence number, credit for a subject never sent, a message before the RESUME, a second RESUME, an ack
 * that goes back. Each must close the stream as bad input and hand on nothing behind the break.
 */
final class HostileSeeds {

    /** One frame: its type and body, without the length prefix. */
    record Frame(byte type, byte[] body) {

        /** This frame with 8 bytes of its body replaced, at {@code offset}. */
        Frame withLong(int offset, long value) {
            byte[] copy = body.clone();
            ByteBuffer.wrap(copy).putLong(offset, value);
            return new Frame(type, copy);
        }

        /** This frame with 4 bytes of its body replaced, at {@code offset}. */
        Frame withInt(int offset, int value) {
            byte[] copy = body.clone();
            ByteBuffer.wrap(copy).putInt(offset, value);
            return new Frame(type, copy);
        }
    }

    /** Where RESUME's fields are: [u64 epoch][u64 received through][u64 outcomes sent][u64 first seq][u32 window msgs]. */
    private static final int RESUME_RECEIVED_THROUGH = 8;
    private static final int RESUME_WINDOW_MESSAGES = 32;

    private HostileSeeds() {
    }

    /** Every hostile seed by name. */
    static Map<String, byte[]> scripts() {
        List<Frame> valid = frames(StreamDecoderSeedsTest.small()); // RESUME, its first ACK, MESSAGE 1, 2
        Frame resume = ofType(valid, Frames.RESUME).get(0);
        Frame first = ofType(valid, Frames.MESSAGE).get(0);
        Frame second = ofType(valid, Frames.MESSAGE).get(1);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("ack-beyond-sent", script(resume, ack(5, 0), first).toByteArray());
        seeds.put("resume-beyond-sent", script(resume.withLong(RESUME_RECEIVED_THROUGH, 7), first).toByteArray());
        seeds.put("absurd-window", script(resume.withInt(RESUME_WINDOW_MESSAGES, Integer.MAX_VALUE), first)
                .toByteArray());
        seeds.put("replayed-seq", script(resume, first, second, first).toByteArray());
        seeds.put("skipped-seq", script(resume, first, second.withLong(0, 3)).toByteArray());
        seeds.put("credit-never-sent", script(resume, credit("fuzz.subject", 1, 5), first).toByteArray());
        seeds.put("message-before-resume", script(first, resume).toByteArray());
        seeds.put("second-resume", script(resume, first, resume).toByteArray());
        seeds.put("ack-went-back", noHandlerAcked().slice().frame(Frames.ACK, ack(0, 0).body).toByteArray());
        return seeds;
    }

    /** Where a hostile seed breaks: the messages handed on before, and what the stream's failure says. */
    record Break(int delivered, String says) {
    }

    /** Each hostile seed's break: it must reach the check it was written for. */
    static Map<String, Break> breaks() {
        Map<String, Break> breaks = new LinkedHashMap<>();
        breaks.put("ack-beyond-sent", new Break(0, "ack of sequence number 5, of 0 sent"));
        breaks.put("resume-beyond-sent", new Break(0, "ack of sequence number 7, of 0 sent"));
        breaks.put("absurd-window", new Break(0, "absurd credit window"));
        breaks.put("replayed-seq", new Break(2, "message 1 replayed"));
        breaks.put("skipped-seq", new Break(1, "message 3 after 1"));
        breaks.put("credit-never-sent", new Break(0, "never sent"));
        breaks.put("message-before-resume", new Break(0, "message before the resume"));
        breaks.put("second-resume", new Break(1, "a second resume"));
        breaks.put("ack-went-back", new Break(1, "ack went back from 1 to 0"));
        return breaks;
    }

    /**
     * A message no subscriber claims and one that is taken; in a later read (once this end has written
     * its outcome message, number 1), the peer's ack of that outcome. A valid seed.
     */
    static StreamScript.Writer noHandlerAcked() {
        List<Frame> sent = frames(StreamDecoderSeedsTest.send(
                StreamDecoderSeedsTest.message(StreamDecoderFuzzTest.Outcome.NO_HANDLER, new byte[] {9}),
                StreamDecoderSeedsTest.message(StreamDecoderSeedsTest.SUBJECT, new byte[] {1})));
        return script(sent.toArray(Frame[]::new)).slice().frame(Frames.ACK, ack(1, 0).body);
    }

    static List<Frame> ofType(List<Frame> frames, byte type) {
        return frames.stream().filter(frame -> frame.type == type).toList();
    }

    private static Frame ack(long receivedThrough, long outcomesSent) {
        return new Frame(Frames.ACK, ByteBuffer.allocate(16).putLong(receivedThrough).putLong(outcomesSent).array());
    }

    private static Frame credit(String subject, long messages, long bytes) {
        byte[] name = subject.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(2 + 2 + name.length + 16);
        body.putShort((short) 1).putShort((short) name.length).put(name).putLong(messages).putLong(bytes);
        return new Frame(Frames.CREDIT, body.array());
    }

    static StreamScript.Writer script(Frame... frames) {
        StreamScript.Writer writer = new StreamScript.Writer();
        for (Frame frame : frames) {
            writer.frame(frame.type, frame.body);
        }
        return writer;
    }

    /** A stream's bytes cut into its frames. */
    static List<Frame> frames(byte[] sent) {
        List<Frame> frames = new ArrayList<>();
        ByteBuffer stream = ByteBuffer.wrap(sent);
        while (stream.hasRemaining()) {
            int length = stream.getInt();
            byte type = stream.get();
            byte[] body = new byte[length - Frames.TYPE_BYTES];
            stream.get(body);
            frames.add(new Frame(type, body));
        }
        return frames;
    }
}
