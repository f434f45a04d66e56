package org.cohort.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the windows of the harness's sessions: warms each up until steady, measures, drains, checks,
 * prints one line per window and adds its trial to the results.
 */
final class WindowMeasurer {

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

    private final Duration warmup;
    private final Duration windowLength;
    private final Path profileDir;
    private final List<Map<String, Object>> trials;

    /**
     * @param warmup the least warm-up of a session's first window
     * @param measure each measured window
     * @param profileDir where the first window of every Cohort node records CPU samples, null for none
     * @param trials where every window's trial is added
     */
    WindowMeasurer(Duration warmup, Duration measure, Path profileDir, List<Map<String, Object>> trials) {
        this.warmup = warmup;
        this.windowLength = measure;
        this.profileDir = profileDir;
        this.trials = trials;
    }

    /** One measured window of one session: start, warm up until steady, measure, stop, check. */
    void window(Session session, int round, long started) {
        Workload workload = session.workload;
        System.out.printf(Locale.ROOT, "[%4.0fs] round %d %s %-12s ", (System.nanoTime() - started) / 1e9, round,
                workload, session.system);
        System.out.flush();
        Map<String, Object> trial = new LinkedHashMap<>();
        trial.put("round", round);
        trial.put("workload", workload.name());
        trial.put("system", session.system);
        if (session.tls != null) {
            trial.put("tls", session.tls);
        }
        try {
            double load = Machine.loadAverage();
            long[] cpuBefore = Machine.procStat();
            Map<String, Double> metrics = measure(session, round);
            long[] cpuAfter = Machine.procStat();
            metrics.put("loadAverage", load);
            if (cpuBefore != null && cpuAfter != null) {
                // Of this window's CPU time (all processors): stolen by the hypervisor, and busy in any process.
                double total = cpuAfter[0] - cpuBefore[0];
                metrics.put("machineStealPct", total == 0 ? 0 : 100.0 * (cpuAfter[1] - cpuBefore[1]) / total);
                metrics.put("machineBusyPct", total == 0 ? 0 : 100.0 * (cpuAfter[2] - cpuBefore[2]) / total);
            }
            trial.put("metrics", metrics);
            System.out.println(brief(workload, metrics));
        } catch (Exception e) {
            trial.put("error", String.valueOf(e.getMessage()));
            System.out.println("FAILED: " + e.getMessage());
        }
        trials.add(trial);
    }

    private Map<String, Double> measure(Session session, int round) throws Exception {
        Workload workload = session.workload;
        List<ChildProcess> nodes = session.nodes;
        session.all("start", "OK");
        double warmed = warmUp(session);
        boolean profile = profileDir != null && session.system.startsWith(Harness.COHORT) && session.windows == 0;
        List<Map<String, Double>> before = session.marks("mark", "MARK");
        if (profile) {
            for (int k = 1; k <= nodes.size(); k++) {
                nodes.get(k - 1).send("profile-start " + profileDir.resolve(workload + "-" + session.system + "-n" + k
                        + ".collapsed"));
            }
            for (ChildProcess node : nodes) {
                node.expect("OK", Session.ANSWER_TIMEOUT);
            }
        }
        Thread.sleep(windowLength.toMillis());
        List<Map<String, Double>> after = session.marks("mark", "MARK");
        if (profile) {
            session.all("profile-stop", "OK");
        }
        List<Map<String, Double>> last = session.marks("stop", "STOPPED");
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        long progress = System.nanoTime();
        double received = TrialMetrics.sum(last, "received");
        while (workload.kind != Workload.Kind.REQUEST_REPLY && TrialMetrics.sum(last, "received") < TrialMetrics.sum(last, "expected")
                && System.nanoTime() < deadline && System.nanoTime() - progress < 2_000_000_000L) {
            Thread.sleep(50);
            last = session.marks("mark", "MARK");
            if (TrialMetrics.sum(last, "received") > received) {
                received = TrialMetrics.sum(last, "received");
                progress = System.nanoTime(); // still arriving; lost ones never will
            }
        }
        Map<String, Double> metrics = TrialMetrics.metrics(workload, before, after, last);
        // The checks count from the end of this session's previous window.
        Map<String, Double> cumulative = new LinkedHashMap<>();
        metrics.forEach((key, value) -> {
            if (Report.isCheck(key)) {
                cumulative.put(key, value);
                metrics.put(key, value - session.checked.getOrDefault(key, 0.0));
            }
        });
        session.checked = cumulative;
        session.windows++;
        metrics.put("warmupSeconds", warmed);
        return metrics;
    }

    /**
     * Runs the load for at least the warm-up time, then until the JIT has caught up: a second in which no
     * node compiled for more than 50 ms and the rate stayed within 10% of the second before; at most
     * {@link Harness#MAX_WARMUP}. A session's later windows start warm and need only a second.
     */
    private double warmUp(Session session) throws Exception {
        long start = System.nanoTime();
        long minimum = session.windows == 0 ? warmup.toMillis() + (session.workload == Workload.W5 ? 1000 : 0)
                : Math.min(1000, warmup.toMillis());
        Thread.sleep(minimum);
        String counter = session.workload.kind == Workload.Kind.REQUEST_REPLY ? "replies" : "received";
        List<Map<String, Double>> previous = session.marks("mark", "MARK");
        double previousRate = -1;
        while (System.nanoTime() - start < Harness.MAX_WARMUP.toNanos()) {
            Thread.sleep(1000);
            List<Map<String, Double>> now = session.marks("mark", "MARK");
            double seconds = (now.get(0).get("t") - previous.get(0).get("t")) / 1e9;
            double rate = (TrialMetrics.sum(now, counter) - TrialMetrics.sum(previous, counter)) / seconds;
            double compiling = 0;
            for (int k = 0; k < now.size(); k++) {
                compiling = Math.max(compiling, now.get(k).get("jitMs") - previous.get(k).get("jitMs"));
            }
            if (previousRate > 0 && compiling <= 50 && Math.abs(rate - previousRate) <= 0.1 * Math.max(rate,
                    previousRate)) {
                break;
            }
            previousRate = rate;
            previous = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static String brief(Workload workload, Map<String, Double> m) {
        String checks = String.format(Locale.ROOT, "drops %.0f gaps %.0f ooo %.0f fail %.0f",
                m.get("drops"), m.get("gaps"), m.get("outOfOrder"), m.get("failures"));
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            return String.format(Locale.ROOT, "%,10.0f req/s  p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  cpu %5.1f us/req  %s",
                    m.get("rate"), m.get("p50"), m.get("p99"), m.get("p999"), m.get("cpuPerMsg"), checks);
        }
        return String.format(Locale.ROOT, "%,12.0f msg/s %8.1f MB/s  cpu %6.2f us/msg  %s",
                m.get("rate"), m.get("mbps"), m.get("cpuPerMsg"), checks);
    }
}
