package org.cohort.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/** What this node's JVM spent: CPU of the process and of its application threads, JIT and GC. */
final class JvmFigures {

    private JvmFigures() {
    }

    /** Adds cpu, appCpu, jitMs, gc.count and gc.ms, in that order. */
    static void putInto(Map<String, Object> values) {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        values.put("cpu", os.getProcessCpuTime());
        // The application's threads only: without the JIT compiler, GC and VM threads.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long appCpu = 0;
        for (long id : threads.getAllThreadIds()) {
            appCpu += Math.max(0, threads.getThreadCpuTime(id));
        }
        values.put("appCpu", appCpu);
        values.put("jitMs", ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
        long gcCount = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcCount += Math.max(0, gc.getCollectionCount());
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        values.put("gc.count", gcCount);
        values.put("gc.ms", gcMillis);
    }
}
