package org.cohort.core.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.ByteBufferInput;

/**
 * A Kryo input over one whole buffer that refuses declared lengths larger than what is left, so that a
 * forged length cannot make Kryo allocate gigabytes before it notices the input is short.
 *
 * <p>Kryo's own inputs allocate the array first and read second; each override here checks first.
 */
final class BoundedInput extends ByteBufferInput {

    /**
     * How many collection elements one read may hold beyond one per byte left: nulls, and objects of a
     * final type with no fields, take no bytes on the wire, so the byte count alone cannot bound them.
     * Shared by every collection of the read, so nesting cannot multiply it.
     */
    static final long FREE_ELEMENTS_PER_READ = 4096;

    private long freeElementsLeft = FREE_ELEMENTS_PER_READ;

    @Override
    public void setBuffer(java.nio.ByteBuffer buffer) {
        super.setBuffer(buffer);
        freeElementsLeft = FREE_ELEMENTS_PER_READ;
    }

    /** Takes {@code count} elements from this read's allowance of byteless elements, if it has them. */
    boolean takeFreeElements(long count) {
        if (count > freeElementsLeft) {
            return false;
        }
        freeElementsLeft -= count;
        return true;
    }

    @Override
    public byte[] readBytes(int length) throws KryoException {
        InputBounds.require(this, length, 1, "byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) throws KryoException {
        InputBounds.require(this, length, Integer.BYTES, "int array");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) throws KryoException {
        InputBounds.require(this, length, 1, "int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) throws KryoException {
        InputBounds.require(this, length, Long.BYTES, "long array");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) throws KryoException {
        InputBounds.require(this, length, 1, "long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) throws KryoException {
        InputBounds.require(this, length, Float.BYTES, "float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) throws KryoException {
        InputBounds.require(this, length, Double.BYTES, "double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) throws KryoException {
        InputBounds.require(this, length, Short.BYTES, "short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) throws KryoException {
        InputBounds.require(this, length, Character.BYTES, "char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) throws KryoException {
        InputBounds.require(this, length, 1, "boolean array");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        checkUtf8Length();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkUtf8Length();
        return super.readStringBuilder();
    }

    /**
     * Peeks at a string's header: a UTF-8 string declares its char count up front and Kryo sizes a char
     * array by it; an ASCII string is scanned to its end marker and needs no check.
     */
    private void checkUtf8Length() {
        int start = position();
        if (start >= limit()) {
            return; // super reports the underflow
        }
        if (readVarIntFlag()) {
            int charCountPlusOne = readVarIntFlag(true);
            if (charCountPlusOne != 0) { // 0 is a null string, which declares no length
                InputBounds.require(this, charCountPlusOne - 1L, 1, "string");
            }
        }
        setPosition(start);
    }
}
