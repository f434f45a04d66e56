package org.cohort.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * {@code scripts/cluster.sh up 3 --tls}: three Karaf processes over mutual TLS with a throwaway CA form
 * the cluster and pass the same process-level checks as the plaintext one; a plaintext peer is refused.
 */
public class TlsClusterScriptIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ClusterScript script = new ClusterScript("tls-cluster-it");

    @After
    public void down() throws Exception {
        script.run("down");
    }

    private String state(int observer, String node) throws Exception {
        Map<String, String[]> nodes = script.nodes(observer);
        return nodes.containsKey(node) ? nodes.get(node)[0] : "absent";
    }

    @Test
    public void aTlsClusterFormsTalksSurvivesKillAndFreezeAndRefusesPlaintext() throws Exception {
        String up = script.run("up", "3", "--tls", "--assembly", ClusterScript.assembly().toString());
        assertTrue(up, up.contains("mutual TLS"));
        String cfg = Files.readString(script.clusterDir.resolve("node-1/etc/org.cohort.cluster.cfg"));
        assertTrue(cfg, cfg.contains("tls.enabled = true"));
        for (int k = 1; k <= 3; k++) {
            int observer = k;
            await("node " + k + " sees all ACTIVE").atMost(WAIT).until(() -> script.nodes(observer).values().stream()
                    .allMatch(node -> "ACTIVE".equals(node[0])));
        }

        // Netty's OpenSSL engine loads in Karaf (the cohort-netty feature's tcnative bundles): every node says so
        // in its stats and its start line.
        for (int k = 1; k <= 3; k++) {
            String stats = script.cli(k, "cluster:stats", "--json");
            assertTrue(stats, stats.contains("\"tls\":\"OpenSSL engine (BoringSSL)\""));
            assertTrue(script.run("logs", String.valueOf(k)).contains("TLS 1.3 with the OpenSSL engine (BoringSSL)"));
        }

        String marker = "over-tls-" + System.nanoTime();
        script.cli(1, "cluster:send", "node-2", "cohort.diag", marker);
        await().atMost(WAIT).until(() -> script.run("logs", "2").contains("Diagnostic message from node-1: " + marker));
        String ping = script.cli(1, "cluster:ping", "-c", "3", "node-3");
        assertTrue(ping, ping.contains("3 sent, 3 received"));

        String incarnation = script.nodes(1).get("node-2")[1];
        script.run("kill", "2");
        await().atMost(WAIT).until(() -> "INACTIVE".equals(state(1, "node-2")));
        script.run("start", "2");
        await().atMost(WAIT).until(() -> "ACTIVE".equals(state(1, "node-2")) && "ACTIVE".equals(state(3, "node-2")));
        assertNotEquals(incarnation, script.nodes(1).get("node-2")[1]);

        script.run("pause", "3");
        await().atMost(WAIT).until(() -> "INACTIVE".equals(state(1, "node-3")));
        script.run("resume", "3");
        await().atMost(WAIT).until(() -> "ACTIVE".equals(state(1, "node-3")));

        // A plaintext hello from a member's own address: the TLS node never reads it.
        long before = ClusterScript.number(script.cli(1, "cluster:stats", "--json"), "handshakesRefusedByReason",
                "tls");
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), script.portBase), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("\u0000\u0000\u0000\u0010plaintext hello!".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            in.readAllBytes(); // until the node closes it
        }
        await().atMost(WAIT).until(() -> ClusterScript.number(script.cli(1, "cluster:stats", "--json"),
                "handshakesRefusedByReason", "tls") == before + 1);
        assertEquals("ACTIVE", state(1, "node-3"));
    }
}
