package org.cohort.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link Child} JVM as the harness sees it: commands in, answers out, its log in a file. */
final class ChildProcess implements AutoCloseable {

    private static final String EOF = "\u0000EOF";

    final String name;
    private final Process process;
    private final BufferedWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    ChildProcess(String name, List<String> command, Path log) throws IOException {
        this.name = name;
        this.process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
            lines.add(EOF);
        }, "child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    void send(String command) throws IOException {
        stdin.write(command);
        stdin.newLine();
        stdin.flush();
    }

    /** Waits for the next answer that starts with {@code prefix}; returns the rest of the line. */
    String expect(String prefix, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException(name + ": no " + prefix + " within " + timeout);
            }
            if (line.equals(EOF)) {
                throw new IOException(name + " exited (code " + exitCode() + ") while the harness waited for "
                        + prefix);
            }
            if (line.startsWith("ERROR")) {
                throw new IOException(name + ": " + line);
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).strip();
            }
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Asks the child to quit and closes its input; {@link #close} then waits for it. */
    void quit() {
        try {
            send("quit");
        } catch (IOException e) {
            // already gone
        }
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Asks the child to quit, closes its input and waits for it; kills it after 10 s. */
    @Override
    public void close() {
        quit();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    void kill() {
        process.destroyForcibly();
    }
}
