package org.cohort.fuzz;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * An allocator that counts the bytes of every buffer it hands out, for as long as the buffer lives, so
 * that a fuzz target can check two things exactly after each input instead of waiting for the garbage
 * collector: how much a channel held at its peak (against the configured caps), and that nothing is
 * held once the channel is closed (every buffer released). Heap buffers only, also where a direct one
 * is asked for; one channel at a time (not thread-safe).
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private long liveBytes;
    private long peakBytes;
    private long buffers;

    public TrackingAllocator() {
        super(false);
    }

    /** Bytes of the buffers that are allocated and not yet released. */
    public long liveBytes() {
        return liveBytes;
    }

    /** The most {@link #liveBytes()} has been since the last {@link #resetPeak()}. */
    public long peakBytes() {
        return peakBytes;
    }

    /** Buffers allocated so far. */
    public long buffers() {
        return buffers;
    }

    public void resetPeak() {
        peakBytes = liveBytes;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        buffers++;
        return new Tracked(this, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return newHeapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    private void allocated(int bytes) {
        liveBytes += bytes;
        peakBytes = Math.max(peakBytes, liveBytes);
    }

    private void freed(int bytes) {
        liveBytes -= bytes;
    }

    /** A heap buffer that reports its array to the allocator, also when it grows or is released. */
    private static final class Tracked extends UnpooledHeapByteBuf {

        Tracked(ByteBufAllocator allocator, int initialCapacity, int maxCapacity) {
            super(allocator, initialCapacity, maxCapacity);
        }

        @Override
        protected byte[] allocateArray(int capacity) {
            byte[] array = super.allocateArray(capacity);
            ((TrackingAllocator) alloc()).allocated(array.length);
            return array;
        }

        @Override
        protected void freeArray(byte[] array) {
            ((TrackingAllocator) alloc()).freed(array.length);
            super.freeArray(array);
        }
    }
}
