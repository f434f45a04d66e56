package org.cohort.itests;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.itests.external.ExternalNode;

/**
 * Runs {@link ExternalNode} in its own JVM from the test JVM's class path. Its pid goes to a file under
 * target/ for cleanup by pid; it also exits by itself when the test JVM goes, because its standard input
 * is a pipe from here.
 */
final class ExternalNodeProcess {

    private ExternalNodeProcess() {
    }

    static Process start(String clusterName, String nodeId, String members) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path folder = Path.of(System.getProperty("exam.folder")).getParent().resolve("external-node");
        try {
            Files.createDirectories(folder);
            Path log = folder.resolve(nodeId + ".log");
            Process process = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    ExternalNode.class.getName(), clusterName, nodeId, members))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Files.writeString(folder.resolve(nodeId + ".pid"), Long.toString(process.pid()));
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "external-node-reaper"));
            awaitReady(process, log);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitReady(Process process, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains(ExternalNode.READY)) {
                return;
            }
            try {
                process.waitFor(100, TimeUnit.MILLISECONDS); // poll interval, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("external node not ready: " + Files.readString(log, StandardCharsets.UTF_8));
    }

    static void stop(Process process) {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
