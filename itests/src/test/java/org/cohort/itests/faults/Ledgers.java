package org.cohort.itests.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.cohort.itests.ClusterScript;
import org.cohort.shell.CommandJson;
import org.cohort.testtools.reconcile.Reconciliation;
import org.cohort.testtools.reconcile.ReportArchive;

/**
 * The senders' and the receivers' halves of the test tools' accounts on a {@code cluster.sh} cluster, and
 * their reconciliation: {@code example:sent --json} and {@code example:received --json} of the running
 * nodes, plus the reports each node's test tools archived when they stopped (a stopped or restarted node's
 * earlier runs), read from its data folder.
 */
public final class Ledgers {

    private final ClusterScript script;
    private final ExampleLoad load;

    public Ledgers(ClusterScript script) {
        this.script = script;
        this.load = new ExampleLoad(script);
    }

    /** {@code example:sent --json} of node K, parsed. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> sent(int k) throws Exception {
        return (Map<String, Object>) CommandJson.read(script.cli(k, "example:sent", "--json"));
    }

    /** The reports node K's test tools archived when they stopped ("sent" or "received"), oldest first. */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> archived(int k, String kind) throws IOException {
        Path folder = script.nodeDir(k).resolve("data").resolve(ReportArchive.FOLDER);
        List<Map<String, Object>> reports = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return reports;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(kind + "-")).sorted().toList()) {
                reports.add((Map<String, Object>) CommandJson.read(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        return reports;
    }

    /**
     * Waits until node K's ledger stops growing (two readings a second apart agree), at most {@code within}:
     * what was still on its way has arrived.
     */
    public void awaitQuiet(int k, Duration within) {
        AtomicLong previous = new AtomicLong(-1);
        await("node " + k + "'s ledger settles").atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Map<?, ?> totals = (Map<?, ?>) load.received(k).get("totals");
            long now = ExampleLoad.number(castMap(totals), "received");
            return previous.getAndSet(now) == now;
        });
    }

    /**
     * Reconciles the given lanes: every running node's live reports and every node's archived ones.
     *
     * @param lanes e.g. load-unicast, load-deliver
     * @param running the nodes running now (their live reports are read)
     * @param all every node of the cluster (their archives are read)
     */
    public Reconciliation reconciliation(Set<String> lanes, int[] running, int[] all) throws Exception {
        return addReceivers(addSenders(new Reconciliation(lanes), running, all), running, all);
    }

    /**
     * Adds every sender report to a reconciliation: the archived ones of every node, the live ones of the
     * running nodes.
     *
     * @return the reconciliation
     */
    public Reconciliation addSenders(Reconciliation reconciliation, int[] running, int[] all) throws Exception {
        for (int k : all) {
            for (Map<String, Object> report : archived(k, "sent")) {
                reconciliation.sender(report);
            }
        }
        for (int k : running) {
            reconciliation.sender(sent(k));
        }
        return reconciliation;
    }

    /**
     * Adds every receiver report to a reconciliation: the archived ones of every node, the live ones of the
     * running nodes.
     *
     * @return the reconciliation
     */
    public Reconciliation addReceivers(Reconciliation reconciliation, int[] running, int[] all) throws Exception {
        for (int k : all) {
            for (Map<String, Object> report : archived(k, "received")) {
                reconciliation.receiver("node-" + k, report);
            }
        }
        for (int k : running) {
            reconciliation.receiver("node-" + k, load.received(k));
        }
        return reconciliation;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
