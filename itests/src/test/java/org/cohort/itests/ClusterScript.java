package org.cohort.itests;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cohort.shell.CommandJson;

/**
 * Drives {@code scripts/cluster.sh} as a user would, on a cluster folder and port range of the test's
 * own, and reads the shell's JSON. Public for the fault tests in {@code org.cohort.itests.faults}.
 */
public final class ClusterScript {

    /**
     * How long {@code up} and {@code start} wait for the nodes, in seconds: Karaf's boot took up to 200 s on
     * a 2-core host at a load average of 30 to 60 (docs/reliability.md), past cluster.sh's default of 120.
     */
    private static final String UP_TIMEOUT_SECONDS = "300";
    /** Longer than {@link #UP_TIMEOUT_SECONDS}, so that the script gives up and says why before we do. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(6);

    public final Path root = Path.of(System.getProperty("cohort.root")).toAbsolutePath().normalize();
    public final Path clusterDir;
    public final int portBase = freePortBase();

    private final Map<String, String> environment = new LinkedHashMap<>(Map.of("COHORT_UP_TIMEOUT", UP_TIMEOUT_SECONDS));

    /** Sets an environment variable for every cluster.sh this script runs (COHORT_UP_TIMEOUT...). */
    public ClusterScript withEnvironment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public ClusterScript(String folderName) {
        clusterDir = Path.of(System.getProperty("exam.folder")).getParent().resolve(folderName);
    }

    /** The distribution this build made, as installed in the local repository. */
    public static Path assembly() {
        return Path.of(System.getProperty("maven.repo.local"), "org", "cohort", "cohort-karaf-assembly",
                CohortKarafOptions.COHORT_VERSION,
                "cohort-karaf-assembly-" + CohortKarafOptions.COHORT_VERSION + ".tar.gz");
    }

    /**
     * A port base whose derived ports (base .. base+40) are free on loopback right now, below Linux's
     * ephemeral range (32768 and up by default): a busy host's outgoing connections could otherwise take
     * one of them between this check and a node's bind.
     */
    private static int freePortBase() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 10000 + (int) (Math.random() * 22000);
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

    /** Node K's Karaf home. */
    public Path nodeDir(int k) {
        return clusterDir.resolve("node-" + k);
    }

    /** Node K's data/log/karaf.log. */
    public Path log(int k) {
        return nodeDir(k).resolve("data/log/karaf.log");
    }

    /** What cluster.sh printed and its exit status (for cli: 1 when Karaf reported an error). */
    public record CommandResult(int exitValue, String output) {
    }

    /** Runs cluster.sh with the arguments; fails unless it exits 0; returns its output. */
    public String run(String... args) throws Exception {
        CommandResult result = runAllowingFailure(args);
        assertEquals("cluster.sh " + String.join(" ", args) + " failed:\n" + result.output(), 0, result.exitValue());
        return result.output();
    }

    /** Runs cluster.sh with the arguments, whatever its exit status. */
    public CommandResult runAllowingFailure(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("scripts/cluster.sh").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("COHORT_CLUSTER_DIR", clusterDir.toString());
        builder.environment().put("COHORT_PORT_BASE", Integer.toString(portBase));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close(); // no terminal, like CI
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("cluster.sh " + String.join(" ", args) + " did not finish");
        }
        return new CommandResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** One shell command on node K. */
    public String cli(int k, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("cli", Integer.toString(k)));
        args.addAll(List.of(command));
        return run(args.toArray(String[]::new));
    }

    /** cluster:nodes --json on node K: node id to [state, incarnation]. */
    public Map<String, String[]> nodes(int k) throws Exception {
        Map<String, String[]> nodes = new LinkedHashMap<>();
        for (Object row : (List<?>) CommandJson.read(cli(k, "cluster:nodes", "--json"))) {
            Map<?, ?> node = (Map<?, ?>) row;
            nodes.put((String) node.get("id"), new String[] {(String) node.get("state"),
                String.valueOf(node.get("incarnation"))});
        }
        return nodes;
    }

    /**
     * The first value named {@code key} in parsed JSON, depth first in document order: in an object, its
     * own field, else the first of its values that holds one.
     */
    public static Object first(Object json, String key) {
        if (json instanceof Map<?, ?> object) {
            if (object.containsKey(key)) {
                return object.get(key);
            }
            for (Object value : object.values()) {
                Object found = first(value, key);
                if (found != null) {
                    return found;
                }
            }
        } else if (json instanceof List<?> array) {
            for (Object value : array) {
                Object found = first(value, key);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A whole number in a command's JSON: the first {@code key} within the first {@code within} (or anywhere). */
    public static long number(String json, String within, String key) {
        Object tree = CommandJson.read(json);
        Object scope = within == null ? tree : first(tree, within);
        if (scope == null) {
            throw new AssertionError("no " + within + " in " + json);
        }
        if (!(first(scope, key) instanceof Number number)) {
            throw new AssertionError("no number " + key + " in " + json);
        }
        return number.longValue();
    }

    /** A string value in a command's JSON: the first {@code key}. */
    public static String text(String json, String key) {
        if (!(first(CommandJson.read(json), key) instanceof String text)) {
            throw new AssertionError("no text " + key + " in " + json);
        }
        return text;
    }
}
