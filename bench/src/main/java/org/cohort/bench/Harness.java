package org.cohort.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark run: every workload against Cohort and against the raw-TCP baselines, in rounds, the
 * systems alternating (their order reversed every other round), each trial in fresh JVMs with the same
 * fixed flags. Prints the table of ratios and writes every figure to a JSON file.
 */
final class Harness {

    static final String COHORT = "cohort";
    static final String COHORT_TLS = "cohort-tls";
    static final String COHORT_DIRECT = "cohort-direct";
    static final String RAW_BUFFERED = "raw-buffered";
    static final String RAW_INLINE = "raw-inline";
    static final List<String> RAW = List.of(RAW_BUFFERED, RAW_INLINE);

    /** The JVM flags of every node of every trial: Karaf's default heap (JAVA_MAX_MEM 512M), G1. */
    static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true");

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    /** The longest warm-up of a session's first window. */
    static final Duration MAX_WARMUP = Duration.ofSeconds(12);

    private final Options options;
    private final Set<ChildProcess> live = ConcurrentHashMap.newKeySet();
    private final List<Map<String, Object>> trials = new ArrayList<>();

    /** What to run. */
    static final class Options {
        int rounds = 2;
        Duration warmup = Duration.ofSeconds(3);
        Duration measure = Duration.ofSeconds(3);
        List<Workload> workloads = List.of(Workload.values());
        List<String> systems = List.of(COHORT, RAW_BUFFERED, RAW_INLINE);
        boolean tls = true;
        Path jfrDir;
        Duration waitQuiet = Duration.ZERO;
        String cohortConfig = "";
        Path out;
        Path work;

        static Options parse(String[] args) {
            Options options = new Options();
            Path jarDir = jarDir();
            options.work = jarDir;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (arg) {
                    case "--rounds" -> options.rounds = Integer.parseInt(value);
                    case "--warmup" -> options.warmup = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                    case "--measure" -> options.measure = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                    case "--workloads" -> options.workloads = List.of(value.split(",")).stream()
                            .map(String::strip).map(Workload::valueOf).toList();
                    case "--systems" -> options.systems = List.of(value.split(",")).stream().map(String::strip)
                            .toList();
                    case "--no-tls" -> {
                        options.tls = false;
                        continue;
                    }
                    case "--cohort-config" -> options.cohortConfig = value;
                    case "--wait-quiet" -> options.waitQuiet = Duration.ofSeconds(Long.parseLong(value));
                    case "--jfr" -> options.jfrDir = Path.of(value).toAbsolutePath();
                    case "--out" -> options.out = Path.of(value).toAbsolutePath();
                    case "--work" -> options.work = Path.of(value).toAbsolutePath();
                    case "-h", "--help" -> {
                        usage();
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + arg + " (try --help)");
                }
                i++;
            }
            if (options.out == null) {
                options.out = options.work.resolve("results.json");
            }
            return options;
        }

        static void usage() {
            System.out.println("""
                    java -jar bench/target/cohort-bench.jar [harness] [options]
                      --rounds N          rounds of W1-W4: every system's nodes stay up and are measured in
                                          turn, the order reversed every other round (2); W5: one window
                                          per system, one system's eight nodes at a time
                      --warmup SECONDS    load before the first measured window of a system's nodes, at
                                          least (3; W5: +1); then until a second without JIT activity
                                          (<= 50 ms) whose rate is within 10% of the one before, at most
                                          12 s; later windows of the same nodes: 1 s and the same test
                      --measure SECONDS   each measured window (3)
                      --workloads LIST    e.g. W1,W2 (all: W1,W2,W3,W4,W5)
                      --systems LIST      cohort,raw-buffered,raw-inline (and cohort-tls; see --no-tls);
                                          diagnostic: cohort-direct (handlers on the IO thread)
                      --no-tls            do not add the TLS variant (cohort-tls) of W1-W4
                      --wait-quiet SECS   before each workload, wait up to SECS for the load average to drop
                                          below the processor count (shared machines)
                      --cohort-config K=V,...  cfg keys for every Cohort node beyond the defaults, e.g.
                                          failure.acceptable.pause.ms=3000
                      --jfr DIR           record JFR of the first measured window of every Cohort node
                      --out FILE          the JSON results (bench/target/results.json)
                      --work DIR          logs and certificates (bench/target)
                    java -jar bench/target/cohort-bench.jar jmh [JMH options]    (default: -prof gc)
                    java -jar bench/target/cohort-bench.jar jfr-summary FILE.jfr...""");
        }

        static Path jarDir() {
            try {
                // bench/target/cohort-bench.jar, or bench/target/classes: either way bench/target.
                Path location = Path.of(Harness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return location.getParent();
            } catch (Exception e) {
                return Path.of("bench", "target").toAbsolutePath();
            }
        }
    }

    Harness(Options options) {
        this.options = options;
    }

    static void main(String[] args) throws Exception {
        new Harness(Options.parse(args)).run();
    }

    void run() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> live.forEach(ChildProcess::kill), "bench-stop-children"));
        Path logs = options.work.resolve("bench-logs");
        Files.createDirectories(logs);
        Path tlsDir = null;
        boolean tls = options.tls && options.systems.contains(COHORT)
                && options.workloads.stream().anyMatch(w -> w != Workload.W5);
        if (tls) {
            tlsDir = options.work.resolve("bench-tls");
            deleteTree(tlsDir);
            Certificates.create(tlsDir, 2); // TLS runs W1-W4: two nodes
        }
        if (options.jfrDir != null) {
            Files.createDirectories(options.jfrDir);
        }
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "Cohort benchmark: %s, %d round(s), warmup at least %.1f s (until steady, at most"
                + " %.0f s), measure %.1f s%n", options.workloads, options.rounds, options.warmup.toMillis() / 1000.0,
                MAX_WARMUP.toSeconds() * 1.0, options.measure.toMillis() / 1000.0);
        for (Workload workload : options.workloads) {
            if (options.waitQuiet.toMillis() > 0) {
                awaitQuiet(options.waitQuiet);
            }
            List<String> systems = order(1, workload, tls);
            if (workload == Workload.W5) {
                // Eight JVMs per system: one system's nodes at a time, one window each (the first window
                // also tells whether the mesh survives its warm-up).
                for (String system : systems) {
                    try (Session session = open(workload, system, logs, tlsDir)) {
                        window(session, 1, started);
                    } catch (Exception e) {
                        failed(workload, system, e, started);
                    }
                }
                continue;
            }
            // Two JVMs per system: every system's nodes at once, kept warm, measured in turn.
            List<Session> sessions = new ArrayList<>();
            try {
                for (String system : systems) {
                    sessions.add(new Session(workload, system, logs, tlsDir));
                }
                for (Session session : sessions) {
                    session.awaitReady();
                }
                for (int round = 1; round <= options.rounds; round++) {
                    for (String system : order(round, workload, tls)) {
                        Session session = sessions.stream().filter(s -> s.system.equals(system)).findFirst()
                                .orElseThrow();
                        window(session, round, started);
                    }
                }
            } catch (Exception e) {
                failed(workload, "all", e, started);
            } finally {
                sessions.forEach(Session::quit);
                sessions.forEach(Session::close);
            }
        }
        Report report = new Report(options, trials, (System.nanoTime() - started) / 1e9);
        System.out.println();
        System.out.println(report.table());
        Files.createDirectories(options.out.getParent());
        Files.writeString(options.out, Json.write(report.json()) + "\n", StandardCharsets.UTF_8);
        System.out.println("Results: " + options.out + "   Node logs: " + logs);
    }

    private Session open(Workload workload, String system, Path logs, Path tlsDir) throws Exception {
        Session session = new Session(workload, system, logs, tlsDir);
        try {
            session.awaitReady();
            return session;
        } catch (Exception e) {
            session.close();
            throw e;
        }
    }

    private void failed(Workload workload, String system, Exception e, long started) {
        System.out.printf(Locale.ROOT, "[%4.0fs] %s %s FAILED: %s%n", (System.nanoTime() - started) / 1e9, workload,
                system, e.getMessage());
        Map<String, Object> trial = new LinkedHashMap<>();
        trial.put("workload", workload.name());
        trial.put("system", system);
        trial.put("error", String.valueOf(e.getMessage()));
        trials.add(trial);
    }

    /** The systems of one workload in one round: alternating, reversed every other round. */
    private List<String> order(int round, Workload workload, boolean tls) {
        List<String> systems = new ArrayList<>(options.systems);
        if (tls && workload != Workload.W5 && systems.contains(COHORT) && !systems.contains(COHORT_TLS)) {
            systems.add(systems.indexOf(COHORT) + 1, COHORT_TLS);
        }
        if (workload == Workload.W5) {
            systems.remove(COHORT_TLS);
        }
        if (round % 2 == 0) {
            Collections.reverse(systems);
        }
        return systems;
    }


    private static String brief(Workload workload, Map<String, Double> m) {
        String checks = String.format(Locale.ROOT, "drops %.0f gaps %.0f ooo %.0f fail %.0f",
                m.get("drops"), m.get("gaps"), m.get("outOfOrder"), m.get("failures"));
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            return String.format(Locale.ROOT, "%,10.0f req/s  p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  cpu %5.1f us/req  %s",
                    m.get("rate"), m.get("p50"), m.get("p99"), m.get("p999"), m.get("cpuPerMsg"), checks);
        }
        return String.format(Locale.ROOT, "%,12.0f msg/s %8.1f MB/s  cpu %6.2f us/msg  %s",
                m.get("rate"), m.get("mbps"), m.get("cpuPerMsg"), checks);
    }


    /** The JVMs of one system for one workload, kept (and kept warm) across its measured windows. */
    private final class Session implements AutoCloseable {
        final Workload workload;
        final String system;
        final List<ChildProcess> nodes = new ArrayList<>();
        /** The checks (drops, gaps...) summed up to the end of the previous window. */
        Map<String, Double> checked = new LinkedHashMap<>();
        int windows;

        Session(Workload workload, String system, Path logs, Path tlsDir) throws IOException {
            this.workload = workload;
            this.system = system;
            List<String> addresses = new ArrayList<>();
            for (int k = 1; k <= workload.nodes; k++) {
                InetAddress ip = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
                addresses.add(ip.getHostAddress() + ":" + freePort(ip));
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int k = 1; k <= workload.nodes; k++) {
                List<String> command = new ArrayList<>();
                command.add(java);
                command.addAll(JVM_FLAGS);
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), system,
                        workload.name(), Integer.toString(k)));
                command.addAll(addresses);
                if (system.equals(COHORT_TLS)) {
                    command.add("tls=" + tlsDir);
                }
                if (system.startsWith(COHORT) && !options.cohortConfig.isEmpty()) {
                    command.add("cfg=" + options.cohortConfig);
                }
                String name = workload + "-" + system + "-n" + k;
                ChildProcess child = new ChildProcess(name, command, logs.resolve(name + ".log"));
                live.add(child);
                nodes.add(child);
            }
        }

        void awaitReady() throws Exception {
            for (ChildProcess node : nodes) {
                node.expect(Child.READY, READY_TIMEOUT);
            }
        }

        void quit() {
            nodes.forEach(ChildProcess::quit);
        }

        @Override
        public void close() {
            quit(); // all at once: they stop in parallel
            for (ChildProcess node : nodes) {
                node.close();
                live.remove(node);
            }
        }
    }

    /** One measured window of one session: start, warm up until steady, measure, stop, check. */
    private void window(Session session, int round, long started) {
        Workload workload = session.workload;
        System.out.printf(Locale.ROOT, "[%4.0fs] round %d %s %-12s ", (System.nanoTime() - started) / 1e9, round,
                workload, session.system);
        System.out.flush();
        Map<String, Object> trial = new LinkedHashMap<>();
        trial.put("round", round);
        trial.put("workload", workload.name());
        trial.put("system", session.system);
        try {
            double load = loadAverage();
            long[] cpuBefore = procStat();
            Map<String, Double> metrics = measure(session, round);
            long[] cpuAfter = procStat();
            metrics.put("loadAverage", load);
            if (cpuBefore != null && cpuAfter != null) {
                // Of this window's CPU time (all processors): stolen by the hypervisor, and busy in any process.
                double total = cpuAfter[0] - cpuBefore[0];
                metrics.put("machineStealPct", total == 0 ? 0 : 100.0 * (cpuAfter[1] - cpuBefore[1]) / total);
                metrics.put("machineBusyPct", total == 0 ? 0 : 100.0 * (cpuAfter[2] - cpuBefore[2]) / total);
            }
            trial.put("metrics", metrics);
            System.out.println(brief(workload, metrics));
        } catch (Exception e) {
            trial.put("error", String.valueOf(e.getMessage()));
            System.out.println("FAILED: " + e.getMessage());
        }
        trials.add(trial);
    }

    private Map<String, Double> measure(Session session, int round) throws Exception {
        Workload workload = session.workload;
        List<ChildProcess> nodes = session.nodes;
        all(nodes, "start", "OK");
        double warmed = warmUp(session);
        boolean jfr = options.jfrDir != null && session.system.startsWith(COHORT) && session.windows == 0;
        List<Map<String, Double>> before = marks(nodes, "mark", "MARK");
        if (jfr) {
            for (int k = 1; k <= nodes.size(); k++) {
                nodes.get(k - 1).send("jfr-start " + options.jfrDir.resolve(workload + "-" + session.system + "-n" + k
                        + ".jfr"));
            }
            for (ChildProcess node : nodes) {
                node.expect("OK", ANSWER_TIMEOUT);
            }
        }
        Thread.sleep(options.measure.toMillis());
        List<Map<String, Double>> after = marks(nodes, "mark", "MARK");
        if (jfr) {
            all(nodes, "jfr-stop", "OK");
        }
        List<Map<String, Double>> last = marks(nodes, "stop", "STOPPED");
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        long progress = System.nanoTime();
        double received = sum(last, "received");
        while (workload.kind != Workload.Kind.REQUEST_REPLY && sum(last, "received") < sum(last, "expected")
                && System.nanoTime() < deadline && System.nanoTime() - progress < 2_000_000_000L) {
            Thread.sleep(50);
            last = marks(nodes, "mark", "MARK");
            if (sum(last, "received") > received) {
                received = sum(last, "received");
                progress = System.nanoTime(); // still arriving; lost ones never will
            }
        }
        Map<String, Double> metrics = metrics(workload, before, after, last);
        // The checks count from the end of this session's previous window.
        Map<String, Double> cumulative = new LinkedHashMap<>();
        metrics.forEach((key, value) -> {
            if (Report.isCheck(key)) {
                cumulative.put(key, value);
                metrics.put(key, value - session.checked.getOrDefault(key, 0.0));
            }
        });
        session.checked = cumulative;
        session.windows++;
        metrics.put("warmupSeconds", warmed);
        return metrics;
    }

    /**
     * Runs the load for at least the warm-up time, then until the JIT has caught up: a second in which no
     * node compiled for more than 50 ms and the rate stayed within 10% of the second before; at most
     * {@link #MAX_WARMUP}. A session's later windows start warm and need only a second.
     */
    private double warmUp(Session session) throws Exception {
        long start = System.nanoTime();
        long minimum = session.windows == 0 ? options.warmup.toMillis() + (session.workload == Workload.W5 ? 1000 : 0)
                : Math.min(1000, options.warmup.toMillis());
        Thread.sleep(minimum);
        String counter = session.workload.kind == Workload.Kind.REQUEST_REPLY ? "replies" : "received";
        List<Map<String, Double>> previous = marks(session.nodes, "mark", "MARK");
        double previousRate = -1;
        while (System.nanoTime() - start < MAX_WARMUP.toNanos()) {
            Thread.sleep(1000);
            List<Map<String, Double>> now = marks(session.nodes, "mark", "MARK");
            double seconds = (now.get(0).get("t") - previous.get(0).get("t")) / 1e9;
            double rate = (sum(now, counter) - sum(previous, counter)) / seconds;
            double compiling = 0;
            for (int k = 0; k < now.size(); k++) {
                compiling = Math.max(compiling, now.get(k).get("jitMs") - previous.get(k).get("jitMs"));
            }
            if (previousRate > 0 && compiling <= 50 && Math.abs(rate - previousRate) <= 0.1 * Math.max(rate,
                    previousRate)) {
                break;
            }
            previousRate = rate;
            previous = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void all(List<ChildProcess> nodes, String command, String answer) throws Exception {
        for (ChildProcess node : nodes) {
            node.send(command);
        }
        for (ChildProcess node : nodes) {
            node.expect(answer, ANSWER_TIMEOUT);
        }
    }

    private static List<Map<String, Double>> marks(List<ChildProcess> nodes, String command, String answer)
            throws Exception {
        for (ChildProcess node : nodes) {
            node.send(command);
        }
        List<Map<String, Double>> marks = new ArrayList<>();
        for (ChildProcess node : nodes) {
            marks.add(Json.parseNumbers(node.expect(answer, ANSWER_TIMEOUT)));
        }
        return marks;
    }

    private static double sum(List<Map<String, Double>> marks, String key) {
        return marks.stream().mapToDouble(m -> m.getOrDefault(key, 0.0)).sum();
    }

    /** The figures of one trial: over the measured window, and the checks over the whole trial. */
    static Map<String, Double> metrics(Workload workload, List<Map<String, Double>> before,
            List<Map<String, Double>> after, List<Map<String, Double>> last) {
        Map<String, Double> m = new LinkedHashMap<>();
        double cpuNanos = 0;
        double appCpuNanos = 0;
        double window = 0;
        for (int k = 0; k < before.size(); k++) {
            cpuNanos += after.get(k).get("cpu") - before.get(k).get("cpu");
            appCpuNanos += after.get(k).get("appCpu") - before.get(k).get("appCpu");
            window = Math.max(window, (after.get(k).get("t") - before.get(k).get("t")) / 1e9);
        }
        m.put("window", window);
        double messages;
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            Map<String, Double> a = before.get(0);
            Map<String, Double> b = after.get(0);
            double seconds = (b.get("t") - a.get("t")) / 1e9;
            messages = b.get("replies") - a.get("replies");
            m.put("rate", messages / seconds);
            m.put("p50", b.get("lat.p50") / 1e3);
            m.put("p90", b.get("lat.p90") / 1e3);
            m.put("p99", b.get("lat.p99") / 1e3);
            m.put("p999", b.get("lat.p999") / 1e3);
            m.put("max", b.get("lat.max") / 1e3);
            m.put("mean", b.get("lat.mean") / 1e3);
            m.put("samples", b.get("lat.count"));
            Map<String, Double> end = last.get(0);
            m.put("requests", end.get("requests"));
            m.put("drops", end.get("requests") - end.get("replies"));
        } else {
            double rate = 0;
            double bytes = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            int receivers = 0;
            for (int k = 0; k < before.size(); k++) {
                Map<String, Double> a = before.get(k);
                Map<String, Double> b = after.get(k);
                double seconds = (b.get("t") - a.get("t")) / 1e9;
                double count = b.get("received") - a.get("received");
                if (workload.kind == Workload.Kind.ONE_WAY && k == 0) {
                    continue; // node 1 only sends
                }
                double nodeRate = count / seconds;
                rate += nodeRate;
                bytes += (b.get("receivedBytes") - a.get("receivedBytes")) / seconds;
                min = Math.min(min, nodeRate);
                max = Math.max(max, nodeRate);
                receivers++;
                if (workload.kind == Workload.Kind.BROADCAST) {
                    m.put("node" + (k + 1), nodeRate);
                }
            }
            messages = rate * window;
            m.put("rate", rate);
            m.put("mbps", bytes / 1e6);
            m.put("perNodeMin", min);
            m.put("perNodeMax", max);
            m.put("perNodeMean", rate / receivers);
            m.put("sent", sum(last, "sent"));
            m.put("drops", sum(last, "expected") - sum(last, "received"));
        }
        m.put("cpuPerMsg", messages == 0 ? 0 : appCpuNanos / messages / 1e3);
        m.put("processCpuPerMsg", messages == 0 ? 0 : cpuNanos / messages / 1e3);
        m.put("cores", cpuNanos / 1e9 / window);
        m.put("jitGcVmShare", cpuNanos == 0 ? 0 : 1 - appCpuNanos / cpuNanos);
        m.put("gaps", sum(last, "gaps"));
        m.put("outOfOrder", sum(last, "outOfOrder"));
        m.put("mismatches", sum(last, "mismatches"));
        m.put("failures", sum(last, "failures"));
        m.put("refused", sum(last, "refused"));
        m.put("creditTimeouts", sum(last, "creditTimeouts"));
        m.put("gcCount", sum(after, "gc.count") - sum(before, "gc.count"));
        m.put("gcMs", sum(after, "gc.ms") - sum(before, "gc.ms"));
        for (String key : List.of("cohort.streamsClosed", "cohort.sendRefusedQueueFull", "cohort.sendRefusedNoStream",
                "cohort.droppedOnClose", "cohort.dispatch.rejected", "cohort.silentPeersClosed", "cohort.flushes",
                "cohort.sent", "raw.readerFailures")) {
            if (last.get(0).containsKey(key)) {
                m.put(key, sum(last, key));
            }
        }
        Map<String, Double> failures = new TreeMap<>();
        for (Map<String, Double> node : last) {
            node.forEach((key, value) -> {
                if (key.startsWith("failure.")) {
                    failures.merge(key, value, Double::sum);
                }
            });
        }
        m.putAll(failures);
        return m;
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
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
    private static void awaitQuiet(Duration limit) throws InterruptedException {
        int processors = Runtime.getRuntime().availableProcessors();
        long deadline = System.nanoTime() + limit.toNanos();
        double load;
        while ((load = loadAverage()) >= processors && System.nanoTime() < deadline) {
            System.out.printf(Locale.ROOT, "  load average %.1f on %d processors: waiting for a quieter machine%n",
                    load, processors);
            Thread.sleep(15_000);
        }
    }

    static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
