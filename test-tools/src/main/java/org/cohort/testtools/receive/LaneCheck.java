package org.cohort.testtools.receive;

import java.util.Arrays;

/**
 * Checks one lane's sequence numbers as they arrive: the next number is in order; a higher one skips a
 * gap; a lower one is a duplicate when it was seen already, and otherwise late (out of order).
 *
 * <p>A lane this node has not seen before starts at its first message, whatever its number: the
 * numbers before it are not counted as gaps (this node may have received them before it restarted). A
 * new epoch (the sender restarted) starts the lane again from 1. Seen numbers are remembered for the
 * last {@value #WINDOW} numbers below the highest one; an even older number cannot be told apart and
 * counts as out of order. Not thread-safe: {@link ReceiveLedger} guards it.
 */
final class LaneCheck {

    /** How many numbers below the highest are remembered, to tell duplicates from late arrivals. */
    static final int WINDOW = 1024;

    /** What one arrival was. */
    enum Verdict {
        /** The number after the highest so far (or the first message of an epoch, numbered 1). */
        IN_ORDER,
        /** Higher than the next number: the numbers in between are missing so far. */
        GAP,
        /** Seen before. */
        DUPLICATE,
        /** Lower than the highest and not seen before: it arrived after a later one. */
        OUT_OF_ORDER
    }

    private final long[] seen = new long[WINDOW / Long.SIZE];
    private boolean started;
    private long epoch;
    private long firstSeq;
    private long highest;
    private long received;
    private long duplicates;
    private long outOfOrder;
    private long gaps;
    private long epochChanges;

    /**
     * Checks one arrival and counts it.
     *
     * @param messageEpoch the sender run the message belongs to
     * @param seq its number, 1 or more
     * @return what it was
     */
    Verdict accept(long messageEpoch, long seq) {
        received++;
        if (!started) {
            // A lane new to this node starts at its first message: the numbers before it may have reached
            // this node before it restarted, so they are not counted as missing.
            started = true;
            epoch = messageEpoch;
            firstSeq = seq;
            highest = seq - 1;
        } else if (messageEpoch != epoch) {
            // The sender restarted: its new run numbers from 1 again, and what is below is missing.
            epochChanges++;
            epoch = messageEpoch;
            firstSeq = 1;
            highest = 0;
            Arrays.fill(seen, 0L);
        }
        if (seq > highest) {
            long skipped = seq - highest - 1;
            gaps += skipped;
            forget(highest + 1, seq);
            highest = seq;
            mark(seq);
            return skipped == 0 ? Verdict.IN_ORDER : Verdict.GAP;
        }
        if (highest - seq < WINDOW && isMarked(seq)) {
            duplicates++;
            return Verdict.DUPLICATE;
        }
        outOfOrder++;
        if (highest - seq < WINDOW) {
            mark(seq);
        }
        return Verdict.OUT_OF_ORDER;
    }

    /** Clears the bits of the numbers from {@code from} to {@code to}, which now enter the window. */
    private void forget(long from, long to) {
        if (to - from + 1 >= WINDOW) {
            Arrays.fill(seen, 0L);
            return;
        }
        for (long n = from; n <= to; n++) {
            int bit = (int) (n % WINDOW);
            seen[bit / Long.SIZE] &= ~(1L << (bit % Long.SIZE));
        }
    }

    private void mark(long seq) {
        int bit = (int) (seq % WINDOW);
        seen[bit / Long.SIZE] |= 1L << (bit % Long.SIZE);
    }

    private boolean isMarked(long seq) {
        int bit = (int) (seq % WINDOW);
        return (seen[bit / Long.SIZE] & (1L << (bit % Long.SIZE))) != 0;
    }

    /** Sets the counters to zero; the lane keeps its epoch, highest number and window. */
    void resetCounters() {
        received = 0;
        duplicates = 0;
        outOfOrder = 0;
        gaps = 0;
        epochChanges = 0;
    }

    long epoch() {
        return epoch;
    }

    long firstSeq() {
        return firstSeq;
    }

    long highest() {
        return highest;
    }

    long received() {
        return received;
    }

    long duplicates() {
        return duplicates;
    }

    long outOfOrder() {
        return outOfOrder;
    }

    long gaps() {
        return gaps;
    }

    long epochChanges() {
        return epochChanges;
    }
}
