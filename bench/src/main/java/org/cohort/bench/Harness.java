package org.cohort.bench;

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
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark run: every workload against Cohort and against the raw-TCP baselines, in rounds, the
 * systems alternating (their order reversed every other round), each trial in fresh JVMs with the same
 * fixed flags. Prints the table of ratios and writes every figure to a JSON file. A {@link Session} holds
 * the nodes of one system, the {@link WindowMeasurer} measures its windows, {@link TrialMetrics} computes
 * the figures and {@link Report} compares them.
 */
final class Harness {

    static final String COHORT = "cohort";
    static final String COHORT_TLS = "cohort-tls";
    static final String COHORT_DIRECT = "cohort-direct";
    /** Cohort as built at another commit (the parent of a change), its jar given with --parent. */
    static final String COHORT_PARENT = "cohort-parent";
    static final String RAW_BUFFERED = "raw-buffered";
    static final String RAW_INLINE = "raw-inline";
    /** raw-buffered over TLS with Cohort's engine and cipher suite: the baseline of cohort-tls. */
    static final String RAW_TLS = "raw-tls";
    static final List<String> RAW = List.of(RAW_BUFFERED, RAW_INLINE);

    /** The JVM flags of every node of every trial: Karaf's default heap (JAVA_MAX_MEM 512M), G1. */
    static final List<String> JVM_FLAGS = List.of("-Xms256m", "-Xmx256m", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true");

    /** The longest warm-up of a session's first window. */
    static final Duration MAX_WARMUP = Duration.ofSeconds(12);

    private final Options options;
    private final Set<ChildProcess> live = ConcurrentHashMap.newKeySet();
    private final List<Map<String, Object>> trials = new ArrayList<>();
    private final WindowMeasurer measurer;
    private Path parentNodeCode;

    /** What to run. */
    static final class Options {
        int rounds = 3;
        Duration warmup = Duration.ofSeconds(3);
        Duration measure = Duration.ofSeconds(3);
        List<Workload> workloads = List.of(Workload.values());
        List<String> systems = List.of(COHORT, COHORT_DIRECT, RAW_BUFFERED, RAW_INLINE);
        boolean tls = true;
        Path profileDir;
        Duration waitQuiet = Duration.ZERO;
        String cohortConfig = "";
        /** The shaded bench jar of another build, run as the system cohort-parent; null for none. */
        Path parentJar;
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
                    case "--parent" -> options.parentJar = Path.of(value).toAbsolutePath();
                    case "--wait-quiet" -> options.waitQuiet = Duration.ofSeconds(Long.parseLong(value));
                    case "--profile" -> options.profileDir = Path.of(value).toAbsolutePath();
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
            if (options.parentJar != null && !options.systems.contains(COHORT_PARENT)) {
                List<String> systems = new ArrayList<>(options.systems);
                systems.add(systems.contains(COHORT) ? systems.indexOf(COHORT) + 1 : 0, COHORT_PARENT);
                options.systems = List.copyOf(systems);
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
                                          turn, the order reversed every other round (3); W5: one window
                                          per system and round, one system's eight nodes at a time
                      --warmup SECONDS    load before the first measured window of a system's nodes, at
                                          least (3; W5: +1); then until a second without JIT activity
                                          (<= 50 ms) whose rate is within 10% of the one before, at most
                                          12 s; later windows of the same nodes: 1 s and the same test
                      --measure SECONDS   each measured window (3)
                      --workloads LIST    e.g. W1,W2 (all: W1,W2,W3,W4,W5)
                      --systems LIST      cohort,cohort-direct,raw-buffered,raw-inline (and cohort-tls,
                                          raw-tls; see --no-tls); cohort-direct: handlers and reply stages
                                          on the IO thread (ClusterCommunicationService.IO_THREAD, the opt-in)
                      --no-tls            do not add the TLS variants of W1-W4: cohort-tls (beside
                                          cohort) and raw-tls (raw-buffered over TLS with the same engine
                                          and cipher suite, beside raw-buffered)
                      --wait-quiet SECS   before each workload, wait up to SECS for the load average to drop
                                          below the processor count (shared machines)
                      --cohort-config K=V,...  cfg keys for every Cohort node beyond the defaults, e.g.
                                          failure.acceptable.pause.ms=3000
                      --parent JAR        also run cohort-parent: the nodes on that build's shaded bench jar
                                          (e.g. the commit before a change, built in a git worktree), this
                                          harness's own node code on top; see docs/performance.md
                      --profile DIR       CPU samples (async-profiler, 1 ms) of the first measured window
                                          of every Cohort node, as collapsed stacks
                      --out FILE          the JSON results (bench/target/results.json)
                      --work DIR          logs and certificates (bench/target)
                    java -jar bench/target/cohort-bench.jar jmh [JMH options]    (default: -prof gc)
                    java -jar bench/target/cohort-bench.jar profile-summary FILE.collapsed...""");
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
        this.measurer = new WindowMeasurer(options.warmup, options.measure, options.profileDir, trials);
    }

    static void main(String[] args) throws Exception {
        new Harness(Options.parse(args)).run();
    }

    void run() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> live.forEach(ChildProcess::kill), "bench-stop-children"));
        Path logs = options.work.resolve("bench-logs");
        Files.createDirectories(logs);
        Path tlsDir = null;
        boolean tls = (options.tls && (options.systems.contains(COHORT) || options.systems.contains(RAW_BUFFERED))
                || options.systems.contains(COHORT_TLS) || options.systems.contains(RAW_TLS))
                && options.workloads.stream().anyMatch(w -> w != Workload.W5);
        if (tls) {
            tlsDir = options.work.resolve("bench-tls");
            Machine.deleteTree(tlsDir);
            Certificates.create(tlsDir, 2); // TLS runs W1-W4: two nodes
        }
        if (options.profileDir != null) {
            Files.createDirectories(options.profileDir);
        }
        long started = System.nanoTime();
        System.out.printf(Locale.ROOT, "Cohort benchmark: %s, %d round(s), warmup at least %.1f s (until steady, at most"
                + " %.0f s), measure %.1f s%n", options.workloads, options.rounds, options.warmup.toMillis() / 1000.0,
                MAX_WARMUP.toSeconds() * 1.0, options.measure.toMillis() / 1000.0);
        if (tls) {
            // This JVM has the nodes' class path: the engine it finds is theirs. The cipher suite each
            // TLS system negotiated is printed as its nodes connect, and kept in results.json.
            System.out.println("TLS (cohort-tls, raw-tls): " + tlsEngineHere(options.cohortConfig));
        }
        for (Workload workload : options.workloads) {
            if (options.waitQuiet.toMillis() > 0) {
                Machine.awaitQuiet(options.waitQuiet);
            }
            if (workload == Workload.W5) {
                // Eight JVMs per system: one system's nodes at a time, one window each per round (the first
                // window also tells whether the mesh survives its warm-up).
                for (int round = 1; round <= options.rounds; round++) {
                    Path roundLogs = Files.createDirectories(logs.resolve(workload + "-round" + round));
                    for (String system : order(round, workload, tls)) {
                        try (Session session = open(workload, system, roundLogs, tlsDir)) {
                            measurer.window(session, round, started);
                        } catch (Exception e) {
                            failed(workload, system, e, started);
                        }
                    }
                }
                continue;
            }
            List<String> systems = order(1, workload, tls);
            // Two JVMs per system: every system's nodes at once, kept warm, measured in turn.
            List<Session> sessions = new ArrayList<>();
            try {
                for (String system : systems) {
                    sessions.add(new Session(workload, system, logs, tlsDir, options.cohortConfig, classPath(system), live));
                }
                for (Session session : sessions) {
                    session.awaitReady();
                    if (session.tls != null) {
                        System.out.printf(Locale.ROOT, "%s %s: %s%n", workload, session.system, session.tls);
                    }
                }
                for (int round = 1; round <= options.rounds; round++) {
                    for (String system : order(round, workload, tls)) {
                        Session session = sessions.stream().filter(s -> s.system.equals(system)).findFirst()
                                .orElseThrow();
                        measurer.window(session, round, started);
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
        Session session = new Session(workload, system, logs, tlsDir, options.cohortConfig, classPath(system), live);
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

    /**
     * The class path of a system's nodes: this harness's own; for cohort-parent, this harness's node code
     * (org.cohort.bench, extracted once) before the parent's jar, so that the parent's api and core (and
     * their libraries) run under the same workloads, checks and counters. The node code uses only API that
     * both builds have.
     */
    private String classPath(String system) throws java.io.IOException {
        if (!system.equals(COHORT_PARENT)) {
            return System.getProperty("java.class.path");
        }
        if (options.parentJar == null) {
            throw new IllegalArgumentException(COHORT_PARENT + " needs --parent JAR");
        }
        if (parentNodeCode == null) {
            parentNodeCode = NodeCode.extract(options.work.resolve("bench-node-code"));
        }
        return parentNodeCode + java.io.File.pathSeparator + options.parentJar;
    }

    /** Which TLS engine Cohort's choice finds in this JVM, with tls.engine as --cohort-config sets it. */
    static String tlsEngineHere(String cohortConfig) {
        if (cohortConfig.replace(" ", "").matches("(?i)(.*,)?tls\\.engine=jdk(,.*)?")) {
            return "JDK engine (tls.engine = jdk)";
        }
        if (io.netty.handler.ssl.OpenSsl.isAvailable()) {
            return "OpenSSL engine (" + io.netty.handler.ssl.OpenSsl.versionString() + ")";
        }
        return "JDK engine (OpenSSL unavailable: " + io.netty.handler.ssl.OpenSsl.unavailabilityCause() + ")";
    }

    /** The systems of one workload in one round: alternating, reversed every other round. */
    private List<String> order(int round, Workload workload, boolean tls) {
        List<String> systems = new ArrayList<>(options.systems);
        boolean addTls = tls && options.tls && workload != Workload.W5;
        if (addTls && systems.contains(COHORT) && !systems.contains(COHORT_TLS)) {
            systems.add(systems.indexOf(COHORT) + 1, COHORT_TLS);
        }
        if (addTls && systems.contains(RAW_BUFFERED) && !systems.contains(RAW_TLS)) {
            systems.add(systems.indexOf(RAW_BUFFERED) + 1, RAW_TLS);
        }
        if (workload == Workload.W5) {
            systems.remove(COHORT_TLS);
            systems.remove(RAW_TLS);
        }
        if (round % 2 == 0) {
            Collections.reverse(systems);
        }
        return systems;
    }

    static String now() {
        return ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
