package org.cohort.itests.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cohort.itests.ClusterScript;

/**
 * A running node's JVM seen from outside, through /proc and the JDK's tools: threads, sockets, heap, and
 * its cluster streams. The pid comes from the node's {@code karaf.pid} and is checked against the
 * process's command line, as {@code cluster.sh} does; nothing here signals a process.
 */
public final class NodeProcess {

    /**
     * A node's resources at one moment.
     *
     * @param threads every thread of the JVM
     * @param nodeThreads the threads but those of Karaf's SSH server and its shell sessions, which the
     *     tests' own {@code cluster.sh cli} calls start and which linger a while after each session
     */
    public record Resources(int node, long pid, int threads, int nodeThreads, int sockets, long heapUsedKiB,
            long rssKiB) {
        @Override
        public String toString() {
            return "node-" + node + " (pid " + pid + "): " + threads + " threads (" + nodeThreads + " without SSH "
                    + "sessions), " + sockets + " sockets, heap " + heapUsedKiB / 1024 + " MiB used, RSS "
                    + rssKiB / 1024 + " MiB";
        }
    }

    private static final int ESTABLISHED = 0x01;
    private static final int LISTEN = 0x0A;

    private final int node;
    private final long pid;

    private NodeProcess(int node, long pid) {
        this.node = node;
        this.pid = pid;
    }

    /** Node K's running JVM; fails if it is not running. */
    public static NodeProcess of(ClusterScript script, int k) throws IOException {
        Path home = script.nodeDir(k);
        long pid = Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
        String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), StandardCharsets.ISO_8859_1);
        if (!List.of(cmdline.split("\0")).contains("-Dkaraf.home=" + home.toRealPath())) {
            throw new IllegalStateException("pid " + pid + " is not node-" + k + "'s JVM");
        }
        return new NodeProcess(k, pid);
    }

    public long pid() {
        return pid;
    }

    /** Threads of the JVM now. */
    public int threads() throws IOException {
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            int count = 0;
            for (Path ignored : tasks) {
                count++;
            }
            return count;
        }
    }

    /**
     * The JVM's threads by name, digits dropped (so that {@code cohort-io-2-1} and {@code cohort-io-2-2}
     * count together), from /proc (names cut to 15 characters).
     */
    public Map<String, Integer> threadNames() throws IOException {
        Map<String, Integer> names = new java.util.TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#");
                    names.merge(name, 1, Integer::sum);
                } catch (IOException ended) {
                    // the thread ended between listing and reading
                }
            }
        }
        return names;
    }

    /** What changed between two {@link #threadNames()}: name to count difference, zeros left out. */
    public static Map<String, Integer> difference(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> changed = new java.util.TreeMap<>();
        java.util.Set<String> names = new java.util.TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            int delta = after.getOrDefault(name, 0) - before.getOrDefault(name, 0);
            if (delta != 0) {
                changed.put(name, delta);
            }
        }
        return changed;
    }

    /** The inodes of the sockets the JVM holds open. */
    private Set<String> socketInodes() throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor closed between listing and reading: not open
                }
            }
        }
        return inodes;
    }

    /** Open sockets of the JVM now (any kind). */
    public int sockets() throws IOException {
        return socketInodes().size();
    }

    /** Heap in use now, in KiB (young and old generations, from jstat: no agent attaches). */
    public long heapUsedKiB() throws Exception {
        return HeapSampler.usedKiB(tool("jstat", "-gc", Long.toString(pid)));
    }

    /** The JVM's resident set, in KiB. */
    public long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** Asks the JVM for a full collection (jcmd GC.run), so that what is measured next is what stays. */
    public void fullGc() throws Exception {
        tool("jcmd", Long.toString(pid), "GC.run");
    }

    public Resources resources() throws Exception {
        int sshThreads = threadNames().entrySet().stream()
                .filter(e -> e.getKey().startsWith("session-") || e.getKey().startsWith("sshd-"))
                .mapToInt(Map.Entry::getValue).sum();
        int threads = threads();
        return new Resources(node, pid, threads, threads - sshThreads, sockets(), heapUsedKiB(), rssKiB());
    }

    /**
     * The node's cluster streams: for each remote address, how many TCP connections this JVM holds to or
     * from port {@code clusterPort} of it, by TCP state name (ESTABLISHED, CLOSE_WAIT...). A healthy node
     * holds exactly one ESTABLISHED stream per ACTIVE peer, and nothing else on that port but its listener.
     */
    public Map<String, Map<String, Integer>> clusterStreams(int clusterPort) throws IOException {
        Set<String> mine = socketInodes();
        Map<String, Map<String, Integer>> streams = new HashMap<>();
        for (String table : List.of("tcp", "tcp6")) {
            Path file = Path.of("/proc/" + pid + "/net/" + table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 10 || !mine.contains(f[9])) {
                    continue;
                }
                int state = Integer.parseInt(f[3], 16);
                if (state == LISTEN) {
                    continue;
                }
                String[] local = f[1].split(":");
                String[] remote = f[2].split(":");
                int localPort = Integer.parseInt(local[1], 16);
                int remotePort = Integer.parseInt(remote[1], 16);
                if (localPort != clusterPort && remotePort != clusterPort) {
                    continue;
                }
                String peer = address(remote[0]);
                streams.computeIfAbsent(peer, p -> new HashMap<>()).merge(stateName(state), 1, Integer::sum);
            }
        }
        return streams;
    }

    /** An address of /proc/net/tcp(6): IPv4 as 4 little-endian bytes; IPv6 as 4 such words (v4-mapped too). */
    static String address(String hex) {
        String v4 = hex.length() == 8 ? hex
                : hex.startsWith("0000000000000000FFFF0000") ? hex.substring(24) : null;
        if (v4 == null) {
            return "[" + hex + "]";
        }
        return Integer.parseInt(v4.substring(6, 8), 16) + "." + Integer.parseInt(v4.substring(4, 6), 16) + "."
                + Integer.parseInt(v4.substring(2, 4), 16) + "." + Integer.parseInt(v4.substring(0, 2), 16);
    }

    private static String stateName(int state) {
        return switch (state) {
            case ESTABLISHED -> "ESTABLISHED";
            case 0x02 -> "SYN_SENT";
            case 0x03 -> "SYN_RECV";
            case 0x04 -> "FIN_WAIT1";
            case 0x05 -> "FIN_WAIT2";
            case 0x06 -> "TIME_WAIT";
            case 0x07 -> "CLOSE";
            case 0x08 -> "CLOSE_WAIT";
            case 0x09 -> "LAST_ACK";
            case 0x0B -> "CLOSING";
            default -> "STATE_" + state;
        };
    }

    /** Runs a JDK tool and returns its output; fails on a non-zero exit or after 60 s. */
    static String tool(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + text);
        }
        return text;
    }
}
