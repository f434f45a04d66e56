package org.cohort.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The JVMs of one system for one workload, kept (and kept warm) across its measured windows. */
final class Session implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    final Workload workload;
    final String system;
    /** What node 1 said of its TLS once connected (engine, protocol, cipher suite); null without TLS. */
    volatile String tls;
    final List<ChildProcess> nodes = new ArrayList<>();
    /** The checks (drops, gaps...) summed up to the end of the previous window. */
    Map<String, Double> checked = new LinkedHashMap<>();
    int windows;
    private final Set<ChildProcess> live;

    /**
     * Starts the nodes.
     *
     * @param workload what they run
     * @param system which system they are
     * @param logs where each node's log goes
     * @param tlsDir the certificates of the TLS variant, null without
     * @param cohortConfig cfg keys for every Cohort node beyond the defaults, empty for none
     * @param classPath the nodes' class path
     * @param live the harness's running children, killed if it is stopped: each node is added, and removed
     *     when closed
     */
    Session(Workload workload, String system, Path logs, Path tlsDir, String cohortConfig, String classPath,
            Set<ChildProcess> live) throws IOException {
        this.workload = workload;
        this.system = system;
        this.live = live;
        List<String> addresses = new ArrayList<>();
        for (int k = 1; k <= workload.nodes; k++) {
            InetAddress ip = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) k});
            addresses.add(ip.getHostAddress() + ":" + Machine.freePort(ip));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int k = 1; k <= workload.nodes; k++) {
            List<String> command = new ArrayList<>();
            command.add(java);
            command.addAll(Harness.JVM_FLAGS);
            command.addAll(List.of("-cp", classPath, Child.class.getName(), system,
                    workload.name(), Integer.toString(k)));
            command.addAll(addresses);
            if (system.equals(Harness.COHORT_TLS) || system.equals(Harness.RAW_TLS)) {
                command.add("tls=" + tlsDir);
            }
            // raw-tls reads tls.engine from it, to run the engine cohort-tls runs.
            if ((system.startsWith(Harness.COHORT) || system.equals(Harness.RAW_TLS)) && !cohortConfig.isEmpty()) {
                command.add("cfg=" + cohortConfig);
            }
            String name = workload + "-" + system + "-n" + k;
            ChildProcess child = new ChildProcess(name, command, logs.resolve(name + ".log"));
            live.add(child);
            nodes.add(child);
        }
    }

    void awaitReady() throws Exception {
        for (ChildProcess node : nodes) {
            String said = node.expect(Child.READY, READY_TIMEOUT);
            if (tls == null && !said.isEmpty()) {
                tls = said;
            }
        }
    }

    /** Sends every node the command, then waits for each one's answer. */
    void all(String command, String answer) throws Exception {
        for (ChildProcess node : nodes) {
            node.send(command);
        }
        for (ChildProcess node : nodes) {
            node.expect(answer, ANSWER_TIMEOUT);
        }
    }

    /** Sends every node the command, then reads each one's answer: its figures, in node order. */
    List<Map<String, Double>> marks(String command, String answer) throws Exception {
        for (ChildProcess node : nodes) {
            node.send(command);
        }
        List<Map<String, Double>> marks = new ArrayList<>();
        for (ChildProcess node : nodes) {
            marks.add(Json.parseNumbers(node.expect(answer, ANSWER_TIMEOUT)));
        }
        return marks;
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
