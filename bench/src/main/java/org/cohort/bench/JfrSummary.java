package org.cohort.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises JFR recordings (several files add up): where the CPU samples are by thread, the hottest
 * methods by own time (top frame) and with their callees (anywhere on the stack), and what is allocated,
 * by class and by the Cohort or Netty method that allocates it.
 */
final class JfrSummary {

    private static final int TOP = 25;

    private JfrSummary() {
    }

    static void main(String[] args) throws Exception {
        Map<String, Long> selfTime = new HashMap<>();
        Map<String, Long> totalTime = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        for (String file : args) {
            for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(file))) {
                String type = event.getEventType().getName();
                if (type.equals("jdk.ExecutionSample")) {
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    String thread = event.getThread("sampledThread") == null ? "?"
                            : event.getThread("sampledThread").getJavaName();
                    threads.merge(threadGroup(thread), 1L, Long::sum);
                    List<RecordedFrame> frames = stack.getFrames();
                    selfTime.merge(method(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame frame : frames) {
                        String method = method(frame);
                        if (seen.add(method)) {
                            totalTime.merge(method, 1L, Long::sum);
                        }
                    }
                } else if (type.equals("jdk.ObjectAllocationSample")) {
                    long weight = event.getLong("weight");
                    RecordedClass objectClass = event.getClass("objectClass");
                    allocated += weight;
                    allocByClass.merge(objectClass == null ? "?" : objectClass.getName(), weight, Long::sum);
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack != null) {
                        for (RecordedFrame frame : stack.getFrames()) {
                            String method = method(frame);
                            if (method.startsWith("org.cohort.") || method.startsWith("io.netty.")
                                    || method.startsWith("com.esotericsoftware.")) {
                                allocBySite.merge(method, weight, Long::sum);
                                break;
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d CPU samples%n%nBy thread:%n", samples);
        print(threads, samples, TOP);
        System.out.printf(Locale.ROOT, "%nHottest methods, own time (top frame):%n");
        print(selfTime, samples, TOP);
        System.out.printf(Locale.ROOT, "%nHottest methods with their callees (Cohort and Netty, messaging):%n");
        Map<String, Long> ours = new HashMap<>();
        totalTime.forEach((method, count) -> {
            if (method.startsWith("org.cohort.core") || method.startsWith("io.netty.")
                    || method.startsWith("com.esotericsoftware.") || method.startsWith("org.cohort.bench")) {
                ours.put(method, count);
            }
        });
        print(ours, samples, 40);
        System.out.printf(Locale.ROOT, "%nAllocation (sampled weight %.1f MB) by class:%n", allocated / 1e6);
        print(allocByClass, allocated, TOP);
        System.out.printf(Locale.ROOT, "%nAllocation by first Cohort/Netty/Kryo frame:%n");
        print(allocBySite, allocated, TOP);
    }

    private static String threadGroup(String name) {
        return name.replaceAll("-\\d+(-\\d+)?$", "-N");
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static void print(Map<String, Long> counts, long total, int top) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        for (Map.Entry<String, Long> entry : entries.subList(0, Math.min(top, entries.size()))) {
            System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * entry.getValue() / Math.max(1, total),
                    entry.getKey());
        }
    }
}
