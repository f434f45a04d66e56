package org.cohort.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Summarises the harness's CPU profiles (async-profiler's collapsed stacks, one {@code frame;frame;...
 * count} line per distinct stack, thread first; several files add up): samples by thread, the hottest
 * frames by own time, and the Cohort, Netty and bench methods with their callees. Every sample is a
 * millisecond of a thread on a processor.
 */
final class ProfileSummary {

    private static final int TOP = 30;

    private ProfileSummary() {
    }

    static void main(String[] args) throws IOException {
        Map<String, Long> selfTime = new HashMap<>();
        Map<String, Long> totalTime = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        for (String file : args) {
            try (Stream<String> lines = Files.lines(Path.of(file))) {
                for (String line : (Iterable<String>) lines::iterator) {
                    int space = line.lastIndexOf(' ');
                    if (space < 0) {
                        continue;
                    }
                    long count = Long.parseLong(line.substring(space + 1).strip());
                    String[] frames = line.substring(0, space).split(";");
                    samples += count;
                    threads.merge(threadGroup(frames[0]), count, Long::sum);
                    selfTime.merge(method(frames[frames.length - 1]), count, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (int i = 1; i < frames.length; i++) {
                        String method = method(frames[i]);
                        if (seen.add(method) && (method.startsWith("org.cohort.") || method.startsWith("io.netty."))) {
                            totalTime.merge(method, count, Long::sum);
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d samples (ms of CPU)%n%nBy thread:%n", samples);
        print(threads, samples, TOP);
        System.out.printf(Locale.ROOT, "%nHottest frames, own time:%n");
        print(selfTime, samples, TOP);
        System.out.printf(Locale.ROOT, "%nCohort and Netty methods with their callees:%n");
        print(totalTime, samples, 50);
    }

    /** {@code [cohort-io-3-1 tid=123]} becomes {@code cohort-io-N}. */
    static String threadGroup(String frame) {
        String name = frame.startsWith("[") ? frame.substring(1, frame.endsWith("]") ? frame.length() - 1
                : frame.length()) : frame;
        name = name.replaceAll(" tid=\\d+$", "");
        return name.replaceAll("-\\d+(-\\d+)?$", "-N");
    }

    /** Java frames come as {@code org/cohort/Foo.bar}; native ones as they are. */
    static String method(String frame) {
        return frame.replace('/', '.').replaceAll("_\\[[a-z0-9]\\]$", "");
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
