package org.cohort.core.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.embed.NodeAssembly;
import org.cohort.core.testing.InProcessCluster;

/**
 * A node in its own JVM, so that a test can freeze it for real (SIGSTOP) or kill it. It runs until its
 * standard input closes, so it never outlives the test JVM.
 *
 * <p>Arguments: local node id, then the members as {@code id@ip:port} entries.
 */
public final class ForkedNode {

    static final String READY = "FORKED NODE READY";

    private ForkedNode() {
    }

    public static void main(String[] args) throws Exception {
        List<ControllerNode> members = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String[] idAndAddress = args[i].split("@");
            String[] ipAndPort = idAndAddress[1].split(":");
            members.add(new ControllerNode(NodeId.of(idAndAddress[0]), InetAddress.getByName(ipAndPort[0]),
                    Integer.parseInt(ipAndPort[1])));
        }
        ClusterSettings settings = new ClusterSettings(InProcessCluster.CLUSTER_NAME, NodeId.of(args[0]), members, 2,
                Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(2),
                1024 * 1024, 64L * 1024 * 1024, InProcessCluster.PATIENT);
        NodeAssembly node = NodeAssembly.builder(settings).build();
        node.start();
        System.out.println(READY);
        System.out.flush();
        try {
            while (System.in.read() != -1) {
                // runs for as long as the parent keeps the pipe open
            }
        } finally {
            node.close();
        }
    }

    /** Starts node {@code k} of the cluster in a new JVM and waits until it listens. */
    static Process start(InProcessCluster cluster, int k) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), ForkedNode.class.getName(), InProcessCluster.id(k).id()));
        for (ControllerNode member : cluster.members) {
            command.add(member.id() + "@" + member.ip().getHostAddress() + ":" + member.tcpPort());
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        StringBuilder output = new StringBuilder();
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream()));
        String line;
        while (System.nanoTime() < deadline && (line = reader.readLine()) != null) {
            output.append(line).append('\n');
            if (line.contains(READY)) {
                drain(reader);
                return process;
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException("forked node " + k + " did not start:\n" + output);
    }

    /** Keeps reading the child's output so that it never blocks on a full pipe. */
    private static void drain(java.io.BufferedReader reader) {
        Thread drainer = new Thread(() -> {
            try {
                while (reader.readLine() != null) {
                    // discard
                }
            } catch (IOException closed) {
                // the child is gone
            }
        }, "forked-node-output");
        drainer.setDaemon(true);
        drainer.start();
    }

    /** Sends a signal (STOP, CONT, KILL) to the process. */
    static void signal(Process process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }
}
