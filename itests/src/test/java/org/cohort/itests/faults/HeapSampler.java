package org.cohort.itests.faults;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows one JVM's heap in use while a scenario runs and keeps the peak: one {@code jstat -gc PID 250}
 * process (it reads the JVM's perf-data file; no agent attaches, nothing pauses the node). Close it to
 * stop the sampling.
 */
public final class HeapSampler implements AutoCloseable {

    private final Process jstat;
    private final Thread reader;
    private final AtomicLong peakKiB = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();

    public HeapSampler(long pid) throws Exception {
        jstat = new ProcessBuilder("jstat", "-gc", Long.toString(pid), "250").redirectErrorStream(true).start();
        jstat.getOutputStream().close();
        reader = new Thread(this::read, "heap-sampler-" + pid);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(jstat.getInputStream(),
                StandardCharsets.UTF_8))) {
            String header = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.trim().startsWith("S0C")) {
                    header = line;
                } else if (header != null && !line.isBlank()) {
                    peakKiB.accumulateAndGet(usedKiB(header + "\n" + line), Math::max);
                    samples.incrementAndGet();
                }
            }
        } catch (Exception ended) {
            // the JVM went away or the sampler was closed
        }
    }

    /** The peak heap in use seen so far, in KiB. */
    public long peakKiB() {
        return peakKiB.get();
    }

    public long samples() {
        return samples.get();
    }

    @Override
    public void close() throws InterruptedException {
        jstat.destroy();
        if (!jstat.waitFor(5, TimeUnit.SECONDS)) {
            jstat.destroyForcibly();
        }
        reader.join(5_000);
    }

    /** Heap in use from jstat -gc output (a header line and a line of figures): S0U + S1U + EU + OU, in KiB. */
    static long usedKiB(String jstatOutput) {
        String[] lines = jstatOutput.trim().split("\n");
        String[] names = lines[0].trim().split("\\s+");
        String[] values = lines[lines.length - 1].trim().split("\\s+");
        double used = 0;
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (names[i].equals("S0U") || names[i].equals("S1U") || names[i].equals("EU") || names[i].equals("OU")) {
                used += Double.parseDouble(values[i]);
            }
        }
        return Math.round(used);
    }
}
