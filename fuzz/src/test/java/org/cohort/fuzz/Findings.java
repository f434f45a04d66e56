package org.cohort.fuzz;

import java.lang.management.ManagementFactory;
import org.cohort.core.testing.NettyLeakRecorder;

/** What the fuzz targets assert, as plain AssertionErrors: Jazzer reports any throwable as a finding. */
public final class Findings {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Findings() {
    }

    public static void check(boolean condition, String what, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(what, args));
        }
    }

    /** Fails with {@code unexpected} as the cause, so that the finding shows where it was thrown. */
    public static AssertionError unexpected(String what, Throwable unexpected) {
        return new AssertionError(what + ": " + unexpected, unexpected);
    }

    /**
     * Heap bytes this thread has allocated so far (HotSpot's per-thread count): the difference around a
     * call is what the call allocated, garbage included.
     */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Fails unless no Netty leak has been reported in this JVM. */
    public static void noLeakReported() {
        var leaks = NettyLeakRecorder.leaks();
        check(leaks.isEmpty(), "Netty reported %d leaked buffer(s): %s", leaks.size(), leaks);
    }
}
