package org.cohort.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** What the harness asks of the machine it runs on: free ports, CPU time, the load average, a clean directory. */
final class Machine {

    private Machine() {
    }

    static int freePort(InetAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** From /proc/stat: all jiffies, steal jiffies, busy jiffies (not idle, iowait or steal); null if unknown. */
    static long[] procStat() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
            return new long[] {total, steal, total - idle - steal};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The 1-minute load average (Linux), or -1. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Waits (at most {@code limit}) until the load average is below the processor count. */
    static void awaitQuiet(Duration limit) throws InterruptedException {
        int processors = Runtime.getRuntime().availableProcessors();
        long deadline = System.nanoTime() + limit.toNanos();
        double load;
        while ((load = loadAverage()) >= processors && System.nanoTime() < deadline) {
            System.out.printf(Locale.ROOT, "  load average %.1f on %d processors: waiting for a quieter machine%n",
                    load, processors);
            Thread.sleep(15_000);
        }
    }
}
