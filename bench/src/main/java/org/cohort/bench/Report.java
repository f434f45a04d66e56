package org.cohort.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Medians over the rounds, the ratios against the targets, the table and the JSON document. */
final class Report {

    /** One figure compared with a baseline. */
    record Target(Workload workload, String metric, String label, boolean higherIsBetter, String baseline,
            Double threshold) {
    }

    static final List<Target> TARGETS = List.of(
            new Target(Workload.W1, "rate", "msgs/s", true, "best", 0.40),
            new Target(Workload.W1, "mbps", "MB/s", true, "best", null),
            new Target(Workload.W2, "p50", "p50 us", false, Harness.RAW_INLINE, 1.3),
            new Target(Workload.W2, "p99", "p99 us", false, Harness.RAW_INLINE, 2.0),
            new Target(Workload.W2, "p999", "p99.9 us", false, Harness.RAW_INLINE, null),
            new Target(Workload.W2, "rate", "req/s", true, "best", null),
            new Target(Workload.W3, "mbps", "MB/s", true, "best", 0.85),
            new Target(Workload.W4, "rate", "req/s", true, "best", 0.6),
            new Target(Workload.W4, "p99", "p99 us", false, "best", null),
            new Target(Workload.W5, "rate", "msgs/s (all)", true, "best", null),
            new Target(Workload.W5, "perNodeMin", "min node msgs/s", true, "best", null));


    private final Harness.Options options;
    private final List<Map<String, Object>> trials;
    private final double seconds;
    private final Map<Workload, Map<String, Map<String, Double>>> medians = new LinkedHashMap<>();

    Report(Harness.Options options, List<Map<String, Object>> trials, double seconds) {
        this.options = options;
        this.trials = trials;
        this.seconds = seconds;
        for (Workload workload : Workload.values()) {
            Map<String, Map<String, Double>> bySystem = new LinkedHashMap<>();
            for (String system : List.of(Harness.COHORT, Harness.COHORT_TLS, Harness.COHORT_DIRECT,
                    Harness.RAW_BUFFERED, Harness.RAW_INLINE)) {
                List<Map<String, Double>> runs = runs(workload, system);
                if (!runs.isEmpty()) {
                    bySystem.put(system, median(runs));
                }
            }
            if (!bySystem.isEmpty()) {
                medians.put(workload, bySystem);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Double>> runs(Workload workload, String system) {
        List<Map<String, Double>> runs = new ArrayList<>();
        for (Map<String, Object> trial : trials) {
            if (trial.get("workload").equals(workload.name()) && trial.get("system").equals(system)
                    && trial.get("metrics") != null) {
                runs.add((Map<String, Double>) trial.get("metrics"));
            }
        }
        return runs;
    }

    /** The median of every figure; the checks (drops, gaps...) are summed instead, so none hides. */
    private static Map<String, Double> median(List<Map<String, Double>> runs) {
        Map<String, Double> result = new LinkedHashMap<>();
        for (String key : runs.get(0).keySet()) {
            List<Double> values = runs.stream().map(run -> run.get(key)).filter(v -> v != null).sorted().toList();
            if (isCheck(key)) {
                result.put(key, values.stream().mapToDouble(Double::doubleValue).sum());
            } else {
                int n = values.size();
                result.put(key, n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2);
            }
        }
        result.put("runs", (double) runs.size());
        return result;
    }

    static boolean isCheck(String key) {
        return key.equals("drops") || key.equals("gaps") || key.equals("outOfOrder") || key.equals("mismatches")
                || key.equals("failures") || key.equals("refused") || key.startsWith("failure.")
                || key.equals("cohort.streamsClosed") || key.equals("cohort.sendRefusedQueueFull")
                || key.equals("cohort.sendRefusedNoStream") || key.equals("cohort.droppedOnClose")
                || key.equals("cohort.dispatch.rejected") || key.equals("cohort.silentPeersClosed")
                || key.equals("raw.readerFailures") || key.equals("mismatches") || key.equals("creditTimeouts");
    }

    private Optional<Double> value(Workload workload, String system, String metric) {
        return Optional.ofNullable(medians.getOrDefault(workload, Map.of()).get(system)).map(m -> m.get(metric));
    }

    /** The baseline a target compares with: the best raw system, or the named one. */
    private Optional<Map.Entry<String, Double>> baseline(Target target) {
        List<String> candidates = target.baseline.equals("best") ? Harness.RAW : List.of(target.baseline);
        Map.Entry<String, Double> best = null;
        for (String system : candidates) {
            Optional<Double> v = value(target.workload, system, target.metric);
            if (v.isPresent() && (best == null || (target.higherIsBetter ? v.get() > best.getValue()
                    : v.get() < best.getValue()))) {
                best = Map.entry(system, v.get());
            }
        }
        return Optional.ofNullable(best);
    }

    private List<Map<String, Object>> ratios() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target target : TARGETS) {
            Optional<Double> cohort = value(target.workload, Harness.COHORT, target.metric);
            Optional<Map.Entry<String, Double>> base = baseline(target);
            if (cohort.isEmpty() || base.isEmpty()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", target.workload.name());
            row.put("metric", target.metric);
            row.put("label", target.label);
            row.put("cohort", cohort.get());
            for (String raw : Harness.RAW) {
                value(target.workload, raw, target.metric).ifPresent(v -> row.put(raw, v));
            }
            row.put("baseline", base.get().getKey());
            double ratio = cohort.get() / base.get().getValue();
            row.put("ratio", ratio);
            if (target.threshold != null) {
                row.put("target", (target.higherIsBetter ? ">= " : "<= ") + target.threshold);
                row.put("met", target.higherIsBetter ? ratio >= target.threshold : ratio <= target.threshold);
            }
            rows.add(row);
        }
        return rows;
    }

    private List<Map<String, Object>> tlsCost() {
        return variantCost(Harness.COHORT_TLS);
    }

    /** A Cohort variant's figures over plain Cohort's. */
    private List<Map<String, Object>> variantCost(String variant) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target target : TARGETS) {
            Optional<Double> plain = value(target.workload, Harness.COHORT, target.metric);
            Optional<Double> tls = value(target.workload, variant, target.metric);
            if (plain.isPresent() && tls.isPresent()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", target.workload.name());
                row.put("metric", target.metric);
                row.put("label", target.label);
                row.put("cohort", plain.get());
                row.put(variant, tls.get());
                row.put("ratio", tls.get() / plain.get());
                rows.add(row);
            }
        }
        return rows;
    }

    /** W5: no collapse at 8 nodes. */
    private Map<String, Object> mesh() {
        Map<String, Object> w5 = new LinkedHashMap<>();
        Optional<Double> cohort = value(Workload.W5, Harness.COHORT, "rate");
        if (cohort.isEmpty()) {
            return w5;
        }
        Target aggregate = TARGETS.stream().filter(t -> t.workload == Workload.W5 && t.metric.equals("rate"))
                .findFirst().orElseThrow();
        Optional<Map.Entry<String, Double>> raw = baseline(aggregate);
        double fairness = value(Workload.W5, Harness.COHORT, "perNodeMin").orElse(0.0)
                / value(Workload.W5, Harness.COHORT, "perNodeMean").orElse(1.0);
        double streamsClosed = value(Workload.W5, Harness.COHORT, "cohort.streamsClosed").orElse(0.0);
        // A lost message shows as a drop (never arrived) and, once later ones arrive, as a gap: count it once.
        double lost = Math.max(value(Workload.W5, Harness.COHORT, "gaps").orElse(0.0),
                value(Workload.W5, Harness.COHORT, "drops").orElse(0.0));
        w5.put("cohortAggregate", cohort.get());
        w5.put("fairnessMinOverMean", fairness);
        w5.put("streamsClosed", streamsClosed);
        w5.put("lost", lost);
        boolean collapsed = fairness < 0.5 || streamsClosed > 0 || lost > 0;
        if (raw.isPresent()) {
            double ratio8 = cohort.get() / raw.get().getValue();
            w5.put("ratio", ratio8);
            Target w1 = TARGETS.get(0);
            Optional<Double> cohort2 = value(Workload.W1, Harness.COHORT, "rate");
            Optional<Map.Entry<String, Double>> raw2 = baseline(w1);
            if (cohort2.isPresent() && raw2.isPresent()) {
                double ratio2 = cohort2.get() / raw2.get().getValue();
                w5.put("ratioW1", ratio2);
                w5.put("ratioW5OverRatioW1", ratio8 / ratio2);
                collapsed |= ratio8 < 0.5 * ratio2;
            }
        }
        w5.put("criterion", "collapse = a node below half the mean rate, a stream lost, a message lost, or "
                + "the Cohort/raw ratio at 8 nodes below half of that at 2 nodes (W1)");
        w5.put("met", !collapsed);
        return w5;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        java.util.DoubleSummaryStatistics load = trials.stream().map(t -> t.get("metrics"))
                .filter(m -> m instanceof Map<?, ?>).mapToDouble(m -> ((Map<?, ?>) m).get("loadAverage") instanceof Double d
                        ? d : -1).filter(d -> d >= 0).summaryStatistics();
        if (load.getCount() > 0) {
            out.append(String.format(Locale.ROOT, "Load average at the windows' start: %.1f to %.1f (%d processors)%n",
                    load.getMin(), load.getMax(), Runtime.getRuntime().availableProcessors()));
        }
        java.util.DoubleSummaryStatistics steal = stat("machineStealPct");
        java.util.DoubleSummaryStatistics busy = stat("machineBusyPct");
        if (steal.getCount() > 0) {
            out.append(String.format(Locale.ROOT, "Machine CPU during the windows: busy %.0f-%.0f%%, stolen by the "
                    + "hypervisor %.0f-%.0f%%%n", busy.getMin(), busy.getMax(), steal.getMin(), steal.getMax()));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-4s %-16s %12s %12s %12s %12s  %-12s %6s  %-8s %s%n", "", "metric",
                "cohort", "raw-buffered", "raw-inline", "cohort-tls", "vs", "ratio", "target", "met"));
        for (Map<String, Object> row : ratios()) {
            Workload workload = Workload.valueOf((String) row.get("workload"));
            out.append(String.format(Locale.ROOT, "%-4s %-16s %12s %12s %12s %12s  %-12s %6.2f  %-8s %s%n",
                    workload, row.get("label"), num(row.get("cohort")), num(row.get(Harness.RAW_BUFFERED)),
                    num(row.get(Harness.RAW_INLINE)),
                    num(value(workload, Harness.COHORT_TLS, (String) row.get("metric")).orElse(null)),
                    row.get("baseline"), (Double) row.get("ratio"), row.getOrDefault("target", ""),
                    row.containsKey("met") ? ((Boolean) row.get("met") ? "yes" : "NO") : ""));
        }
        Map<String, Object> w5 = mesh();
        if (!w5.isEmpty()) {
            out.append(String.format(Locale.ROOT, "W5   no collapse: fairness min/mean %.2f, streams lost %.0f, "
                    + "messages lost %.0f, ratio %s (W1 %s) -> %s%n", w5.get("fairnessMinOverMean"),
                    w5.get("streamsClosed"), w5.get("lost"), num(w5.get("ratio")), num(w5.get("ratioW1")),
                    (Boolean) w5.get("met") ? "met" : "NOT MET"));
        }
        out.append(String.format(Locale.ROOT, "%nCPU per message, application threads of all nodes (us; JIT, GC and VM threads excluded):%n"));
        for (Workload workload : medians.keySet()) {
            out.append(String.format(Locale.ROOT, "  %-4s", workload));
            for (String system : List.of(Harness.COHORT, Harness.COHORT_TLS, Harness.COHORT_DIRECT,
                    Harness.RAW_BUFFERED, Harness.RAW_INLINE)) {
                value(workload, system, "cpuPerMsg").ifPresent(v -> out.append(
                        String.format(Locale.ROOT, "  %s %.2f", system, v)));
            }
            out.append('\n');
        }
        List<Map<String, Object>> tls = tlsCost();
        if (!tls.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nTLS cost (cohort-tls / cohort):"));
            for (Map<String, Object> row : tls) {
                out.append(String.format(Locale.ROOT, "  %s %s %.2f", row.get("workload"), row.get("label"),
                        (Double) row.get("ratio")));
            }
            out.append('\n');
        }
        List<Map<String, Object>> direct = variantCost(Harness.COHORT_DIRECT);
        if (!direct.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nDiagnostic, handlers on the IO thread (cohort-direct / cohort):"));
            for (Map<String, Object> row : direct) {
                out.append(String.format(Locale.ROOT, "  %s %s %.2f", row.get("workload"), row.get("label"),
                        (Double) row.get("ratio")));
            }
            out.append('\n');
        }
        out.append(String.format(Locale.ROOT, "%nChecks, summed over the rounds (drops / gaps / out of order / "
                + "failures / Cohort streams closed):%n"));
        boolean clean = true;
        for (Map.Entry<Workload, Map<String, Map<String, Double>>> w : medians.entrySet()) {
            out.append(String.format(Locale.ROOT, "  %-4s", w.getKey()));
            for (Map.Entry<String, Map<String, Double>> s : w.getValue().entrySet()) {
                Map<String, Double> m = s.getValue();
                double bad = m.get("drops") + m.get("gaps") + m.get("outOfOrder") + m.get("failures")
                        + m.get("mismatches") + m.getOrDefault("cohort.streamsClosed", 0.0);
                if (w.getKey() != Workload.W5) {
                    clean &= bad == 0;
                }
                out.append(String.format(Locale.ROOT, "  %s %.0f/%.0f/%.0f/%.0f/%s", s.getKey(), m.get("drops"),
                        m.get("gaps"), m.get("outOfOrder"), m.get("failures") + m.get("mismatches"),
                        m.containsKey("cohort.streamsClosed") ? String.format(Locale.ROOT, "%.0f",
                                m.get("cohort.streamsClosed")) : "-"));
            }
            out.append('\n');
        }
        out.append(clean ? "  W1-W4: zero drops, in order, every request answered.\n"
                : "  W1-W4: NOT CLEAN, see above.\n");
        long failed = trials.stream().filter(t -> t.get("error") != null).count();
        if (failed > 0) {
            out.append("  ").append(failed).append(" trial(s) failed; see results.json and the node logs.\n");
        }
        return out.toString();
    }

    private java.util.DoubleSummaryStatistics stat(String key) {
        return trials.stream().map(t -> t.get("metrics")).filter(m -> m instanceof Map<?, ?>)
                .map(m -> ((Map<?, ?>) m).get(key)).filter(v -> v instanceof Double).mapToDouble(v -> (Double) v)
                .summaryStatistics();
    }

    private static String num(Object value) {
        if (!(value instanceof Double d)) {
            return "-";
        }
        if (Math.abs(d) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.2f", d);
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", Harness.now());
        json.put("machine", machine());
        json.put("jvmFlags", Harness.JVM_FLAGS);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("rounds", options.rounds);
        settings.put("warmupSeconds", options.warmup.toMillis() / 1000.0);
        settings.put("measureSeconds", options.measure.toMillis() / 1000.0);
        settings.put("workloads", options.workloads.stream().map(Enum::name).toList());
        settings.put("systems", options.systems);
        settings.put("tls", options.tls);
        settings.put("jfr", options.jfrDir == null ? null : options.jfrDir.toString());
        settings.put("runSeconds", seconds);
        settings.put("loadAverageAtEnd", Harness.loadAverage());
        json.put("settings", settings);
        Map<String, Object> workloads = new LinkedHashMap<>();
        for (Workload workload : Workload.values()) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("description", workload.description);
            w.put("nodes", workload.nodes);
            w.put("payloadBytes", workload.payloadBytes);
            w.put(workload.kind == Workload.Kind.REQUEST_REPLY ? "outstanding" : "creditWindow", workload.window);
            if (workload.kind != Workload.Kind.REQUEST_REPLY) {
                w.put("creditBatch", workload.creditBatch);
            }
            workloads.put(workload.name(), w);
        }
        json.put("workloads", workloads);
        json.put("ratios", ratios());
        json.put("w5", mesh());
        json.put("tlsCost", tlsCost());
        json.put("directHandlersCost", variantCost(Harness.COHORT_DIRECT));
        Map<String, Object> summary = new LinkedHashMap<>();
        medians.forEach((workload, bySystem) -> summary.put(workload.name(), bySystem));
        json.put("medians", summary);
        json.put("trials", trials);
        return json;
    }

    static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", proc("/proc/cpuinfo", "model name"));
        machine.put("memory", proc("/proc/meminfo", "MemTotal"));
        machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")");
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return machine;
    }

    private static String proc(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }

}
