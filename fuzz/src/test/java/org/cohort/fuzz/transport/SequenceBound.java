package org.cohort.fuzz.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cohort.core.frame.Frames;

/**
 * The most messages a stream's bytes may hand on if nothing is handed on twice: one per distinct sequence
 * number among its MESSAGE and MESSAGE_END frames, plus one per such frame of sequence number 0 (sent at
 * most once, never numbered). Read straight off the bytes, as the stream's frames would cut them; where
 * the framing breaks the stream closes, so nothing after it counts.
 */
final class SequenceBound {

    private SequenceBound() {
    }

    static int of(List<byte[]> reads) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        reads.forEach(all::writeBytes);
        ByteBuffer stream = ByteBuffer.wrap(all.toByteArray());
        Set<Long> numbered = new HashSet<>();
        int atMostOnce = 0;
        while (stream.remaining() >= Frames.LENGTH_BYTES) {
            int length = stream.getInt();
            if (length < Frames.TYPE_BYTES || length > stream.remaining()) {
                break;
            }
            int start = stream.position();
            byte type = stream.get(start);
            int seqAt = type == Frames.MESSAGE ? start + Frames.TYPE_BYTES
                    : type == Frames.MESSAGE_END ? start + Frames.TYPE_BYTES + 4 : -1;
            if (seqAt >= 0 && seqAt + Long.BYTES <= start + length) {
                long seq = stream.getLong(seqAt);
                if (seq == 0) {
                    atMostOnce++;
                } else {
                    numbered.add(seq);
                }
            }
            stream.position(start + length);
        }
        return numbered.size() + atMostOnce;
    }
}
