package org.cohort.testtools.message;

import java.util.Arrays;
import java.util.Objects;
import org.cohort.api.cluster.NodeId;

/**
 * The test tools' payload type, registered with Cohort's serialization under {@link #TYPE_ID}: the
 * messages of the loads and the echo replies, which the ledger checks.
 *
 * <p>Each message belongs to one <em>lane</em>: an ordered sequence of messages from one sender run
 * ({@code origin} and {@code epoch}) on one subject, numbered 1, 2, 3... by {@code seq}. A unicast lane
 * is numbered per receiving node, so every receiver sees its own unbroken sequence; a broadcast lane is
 * numbered once for all receivers. The receiver checks every lane for duplicates, steps back and gaps
 * ({@code org.cohort.testtools.receive.ReceiveLedger}).
 *
 * <p><b>Wire format.</b> Kryo writes a record's components in the order of their names and rebuilds it
 * through the canonical constructor, so the checks below also run on every message that arrives.
 * Renaming, adding or removing a component changes the format: every node must run the same version.
 *
 * @param origin the id of the sending node
 * @param epoch the sender run: chosen at random each time the sender starts, so that a restarted
 *     sender's new sequence is not taken for duplicates
 * @param lane the lane's name, 1 to {@value #MAX_LANE_CHARS} characters
 * @param seq the number in the lane, from 1
 * @param sentAtMillis the sender's wall clock when sending (Unix milliseconds)
 * @param sentAtNanos the sender's {@link System#nanoTime()} when sending; meaningful on the sender only
 * @param text free text, at most {@value #MAX_TEXT_CHARS} characters
 * @param padding filler to make the message larger under load, or null
 */
public record LoadMessage(String origin, long epoch, String lane, long seq, long sentAtMillis, long sentAtNanos,
        String text, byte[] padding) {

    /**
     * The type id all nodes register LoadMessage under, in the range Cohort leaves to sibling bundles
     * ({@code SerializationService.FIRST_APPLICATION_TYPE_ID} to {@code LAST_APPLICATION_TYPE_ID}); the
     * example bundle's ExampleMessage has 2000, so both bundles can run on one node.
     */
    public static final int TYPE_ID = 2100;
    /** The longest lane name. */
    public static final int MAX_LANE_CHARS = 64;
    /** The longest text. */
    public static final int MAX_TEXT_CHARS = 64 * 1024;

    /**
     * Checks the fields; on the receiving side Kryo calls this too, so a malformed message fails to
     * decode.
     *
     * @throws NullPointerException if origin, lane or text is null
     * @throws IllegalArgumentException if origin is not a node id, the lane is empty or too long, seq is
     *     below 1 or the text too long
     */
    public LoadMessage {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(text, "text");
        NodeId.of(origin); // throws IllegalArgumentException for anything that is not a node id
        if (lane.isEmpty() || lane.length() > MAX_LANE_CHARS) {
            throw new IllegalArgumentException("lane must have 1 to " + MAX_LANE_CHARS + " characters, got "
                    + lane.length());
        }
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be 1 or more, got " + seq);
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("text must have at most " + MAX_TEXT_CHARS + " characters, got "
                    + text.length());
        }
    }

    /**
     * Returns the padding's length.
     *
     * @return 0 without padding
     */
    public int paddingLength() {
        return padding == null ? 0 : padding.length;
    }

    @Override
    public boolean equals(Object other) {
        return this == other || other instanceof LoadMessage that && epoch == that.epoch && seq == that.seq
                && sentAtMillis == that.sentAtMillis && sentAtNanos == that.sentAtNanos && origin.equals(that.origin)
                && lane.equals(that.lane) && text.equals(that.text) && Arrays.equals(padding, that.padding);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(origin, epoch, lane, seq, sentAtMillis, sentAtNanos, text) + Arrays.hashCode(padding);
    }

    @Override
    public String toString() {
        return "LoadMessage{" + origin + " " + lane + "#" + seq + " epoch " + epoch + ", " + text.length()
                + " chars, " + paddingLength() + " padding bytes}";
    }
}
