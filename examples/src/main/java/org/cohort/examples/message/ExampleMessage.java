package org.cohort.examples.message;

import java.util.Objects;
import org.cohort.api.cluster.NodeId;

/**
 * The example's payload: a typed message that Cohort's serialization (Kryo) turns into bytes, once
 * registered under {@link #TYPE_ID} (see {@link ExampleCodec}).
 *
 * <p><b>Wire format.</b> Kryo writes a record's components in the order of their names and rebuilds it
 * through the canonical constructor, so the checks below also run on every message that arrives: a
 * malformed one fails to decode instead of reaching the handler. Renaming, adding or removing a
 * component changes the format: every node must run the same version of this class.
 *
 * @param origin the id of the sending node
 * @param seq the sender's number for it, from 1 (a new sender run starts again at 1)
 * @param text free text, at most {@value #MAX_TEXT_CHARS} characters
 */
public record ExampleMessage(String origin, long seq, String text) {

    /**
     * The type id every node registers ExampleMessage under. Sibling bundles share the range
     * {@code SerializationService.FIRST_APPLICATION_TYPE_ID} to {@code LAST_APPLICATION_TYPE_ID}: pick
     * ids no other bundle on the cluster uses (the test tools use 2100).
     */
    public static final int TYPE_ID = 2000;
    /** The longest text: a bound on what a peer can make this node hold. */
    public static final int MAX_TEXT_CHARS = 64 * 1024;

    /**
     * Checks the fields, on the sender and, through Kryo, on the receiver.
     *
     * @throws NullPointerException if origin or text is null
     * @throws IllegalArgumentException if origin is not a node id, seq is below 1 or the text too long
     */
    public ExampleMessage {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(text, "text");
        NodeId.of(origin); // throws IllegalArgumentException for anything that is not a node id
        if (seq < 1) {
            throw new IllegalArgumentException("seq must be 1 or more, got " + seq);
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException("text must have at most " + MAX_TEXT_CHARS + " characters, got "
                    + text.length());
        }
    }
}
