package org.cohort.core.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * Checks a length read from hostile bytes against the bytes actually left, before anything of that
 * length is allocated. Most elements take at least one byte on the wire, so a count larger than the
 * bytes left is a lie; those that may take none (nulls in a collection, field-less objects) draw on a
 * small allowance per read instead.
 */
final class InputBounds {

    private InputBounds() {
    }

    /**
     * Fails unless {@code count} elements of at least {@code minBytesEach} bytes can still be read.
     *
     * @throws KryoException if they cannot
     */
    static void require(Input input, long count, int minBytesEach, String what) {
        long left = (long) input.limit() - input.position();
        if (count < 0 || count * minBytesEach > left) {
            throw new KryoException("declared " + what + " length " + count + " exceeds the " + left + " bytes left");
        }
    }

    /**
     * Fails unless {@code count} elements of a collection or object array can be read: one per byte
     * left, and beyond that from the read's small allowance of elements that take no bytes (nulls,
     * field-less objects; see {@link BoundedInput#FREE_ELEMENTS_PER_READ}).
     */
    static void requireElements(Input input, long count, String what) {
        long left = (long) input.limit() - input.position();
        if (count >= 0 && count <= left) {
            return;
        }
        if (count < 0 || !(input instanceof BoundedInput bounded) || !bounded.takeFreeElements(count - left)) {
            throw new KryoException("declared " + what + " length " + count + " exceeds the " + left
                    + " bytes left");
        }
    }

    /**
     * Peeks at the length an array serializer is about to read (Kryo writes length + 1, 0 for null) and
     * fails unless that many elements of at least {@code minBytesEach} bytes are left; the position is
     * left where it was.
     */
    static void requireArrayLength(Input input, int minBytesEach, String what) {
        int start = input.position();
        int lengthPlusOne = input.readVarInt(true);
        if (lengthPlusOne != 0) { // a null array declares no length
            require(input, lengthPlusOne - 1L, minBytesEach, what);
        }
        input.setPosition(start);
    }
}
