package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Test;

/**
 * The user's first command, for real: {@code scripts/cluster.sh} starts three Karaf processes on
 * 127.0.0.1-3, and the shell, the logs and signals show the cluster doing what it says.
 */
public class ClusterScriptIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(4);
    private static final Pattern NODE = Pattern.compile(
            "\\{\"id\":\"([^\"]+)\",\"address\":\"[^\"]+\",\"state\":\"(ACTIVE|INACTIVE)\",\"local\":(true|false),"
                    + "\"since\":\\d+,\"incarnation\":(\\d+)[^}]*\\}");

    private final Path root = Path.of(System.getProperty("cohort.root")).toAbsolutePath().normalize();
    private final Path clusterDir = Path.of(System.getProperty("exam.folder")).getParent().resolve("cluster-it");
    private final int portBase = freePortBase();

    /** A port base whose derived ports (base .. base+40) are free on loopback right now. */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20000 + (int) (Math.random() * 30000);
            if (rangeFree(base, 40)) {
                return base;
            }
        }
        throw new IllegalStateException("no free port range found");
    }

    private static boolean rangeFree(int base, int count) {
        for (int port = base; port <= base + count; port++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }

    private String run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("scripts/cluster.sh").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("COHORT_CLUSTER_DIR", clusterDir.toString());
        builder.environment().put("COHORT_PORT_BASE", Integer.toString(portBase));
        Process process = builder.start();
        process.getOutputStream().close(); // no terminal, like CI
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cluster.sh " + String.join(" ", args) + " did not finish");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals("cluster.sh " + String.join(" ", args) + " failed:\n" + text, 0, process.exitValue());
        return text;
    }

    /** cluster:nodes --json on node K: node id to [state, incarnation]. */
    private Map<String, String[]> nodes(int k) throws Exception {
        String json = run("cli", Integer.toString(k), "cluster:nodes", "--json").trim();
        Map<String, String[]> nodes = new LinkedHashMap<>();
        Matcher matcher = NODE.matcher(json);
        while (matcher.find()) {
            nodes.put(matcher.group(1), new String[] {matcher.group(2), matcher.group(4)});
        }
        assertEquals("three members in " + json, 3, nodes.size());
        return nodes;
    }

    private List<Long> pids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            Path pidFile = clusterDir.resolve("node-" + k).resolve("karaf.pid");
            if (Files.exists(pidFile)) {
                pids.add(Long.parseLong(Files.readString(pidFile).trim()));
            }
        }
        return pids;
    }

    @After
    public void down() throws Exception {
        run("down");
    }

    @Test
    public void upShowsThreeActiveNodesThatTalkSurviveAKillAndGoDownClean() throws Exception {
        Path tarball = Path.of(System.getProperty("maven.repo.local"), "org", "cohort", "cohort-karaf-assembly",
                CohortKarafOptions.COHORT_VERSION, "cohort-karaf-assembly-" + CohortKarafOptions.COHORT_VERSION + ".tar.gz");
        String up = run("up", "3", "--assembly", tarball.toString());
        assertTrue(up, up.contains("node-3"));

        for (int k = 1; k <= 3; k++) {
            // up returned once every node saw every member ACTIVE; a loaded CI host may still make a
            // node reconnect once, so allow a few seconds.
            int observer = k;
            await("node " + k + " sees all ACTIVE").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                    .until(() -> nodes(observer).values().stream().allMatch(node -> "ACTIVE".equals(node[0])));
        }
        String firstIncarnation = nodes(1).get("node-2")[1];

        String marker = "hello-" + System.nanoTime();
        run("cli", "1", "cluster:send", "node-2", "cohort.diag", marker);
        await("the message in node 2's log").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> run("logs", "2").contains("Diagnostic message from node-1: " + marker));

        String ping = run("cli", "1", "cluster:ping", "-c", "3", "node-2");
        assertTrue(ping, ping.contains("3 sent, 3 received") && ping.contains("rtt min/avg/p99"));
        String withRtt = run("cli", "1", "cluster:nodes", "--json");
        assertTrue(withRtt, withRtt.matches("(?s).*\"id\":\"node-2\"[^}]*\"lastRttMicros\":\\d+.*"));

        run("kill", "2");
        for (int k : new int[] {1, 3}) {
            int observer = k;
            await("node " + k + " sees node-2 INACTIVE").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "INACTIVE".equals(nodes(observer).get("node-2")[0]));
        }

        run("start", "2");
        for (int k : new int[] {1, 3}) {
            int observer = k;
            await("node " + k + " sees node-2 ACTIVE again").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "ACTIVE".equals(nodes(observer).get("node-2")[0]));
            assertNotEquals("a restart is a new incarnation", firstIncarnation, nodes(observer).get("node-2")[1]);
        }

        List<Long> pids = pids();
        assertEquals(3, pids.size());
        run("down");
        for (long pid : pids) {
            assertFalse("process " + pid + " is gone after down", ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false));
        }
    }
}
