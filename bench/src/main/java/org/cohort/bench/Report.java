package org.cohort.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Medians over the rounds and the ratios against the targets; {@link ReportTable} prints them and
 * {@link ReportJson} writes them with every figure.
 */
final class Report {

    /**
     * One figure compared with a baseline, and the ratio it should reach (issue 18), in plaintext and, for
     * cohort-tls against raw-tls, over TLS (null: none).
     */
    record Target(Workload workload, String metric, String label, boolean higherIsBetter, String baseline,
            Double threshold, Double tlsThreshold) {
    }

    static final List<Target> TARGETS = List.of(
            new Target(Workload.W1, "rate", "msgs/s", true, Harness.RAW_BUFFERED, 0.50, null),
            new Target(Workload.W1, "mbps", "MB/s", true, Harness.RAW_BUFFERED, null, null),
            new Target(Workload.W2, "p50", "p50 us", false, Harness.RAW_INLINE, 1.4, null),
            new Target(Workload.W2, "p99", "p99 us", false, Harness.RAW_INLINE, 1.5, null),
            new Target(Workload.W2, "p999", "p99.9 us", false, Harness.RAW_INLINE, null, null),
            new Target(Workload.W2, "rate", "req/s", true, "best", null, null),
            new Target(Workload.W3, "mbps", "MB/s", true, "best", 0.90, 0.85),
            new Target(Workload.W4, "rate", "req/s", true, "best", 0.80, null),
            new Target(Workload.W4, "p99", "p99 us", false, "best", null, null),
            new Target(Workload.W5, "rate", "msgs/s (all)", true, "best", null, null),
            new Target(Workload.W5, "perNodeMin", "min node msgs/s", true, "best", null, null));


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
            for (String system : List.of(Harness.COHORT, Harness.COHORT_PARENT, Harness.COHORT_TLS,
                    Harness.COHORT_DIRECT, Harness.RAW_BUFFERED, Harness.RAW_INLINE, Harness.RAW_TLS)) {
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
                || key.equals("raw.readerFailures") || key.equals("mismatches") || key.equals("creditTimeouts")
                || key.equals("sent") || key.equals("expected") || key.equals("received") || key.equals("requests")
                || key.equals("replies") || key.startsWith("cohort.sendRefused")
                || key.equals("cohort.dispatch.noHandler") || key.startsWith("cohort.delivery.");
    }

    Optional<Double> value(Workload workload, String system, String metric) {
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

    List<Map<String, Object>> ratios() {
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
            judge(row, target.higherIsBetter, ratio, target.threshold);
            rows.add(row);
        }
        return rows;
    }

    /** Puts the target and whether the ratio meets it in the row, if there is a target. */
    private static void judge(Map<String, Object> row, boolean higherIsBetter, double ratio, Double threshold) {
        if (threshold != null) {
            row.put("target", (higherIsBetter ? ">= " : "<= ") + threshold);
            row.put("met", higherIsBetter ? ratio >= threshold : ratio <= threshold);
        }
    }

    List<Map<String, Object>> tlsCost() {
        return variantCost(Harness.COHORT_TLS);
    }

    /**
     * Cohort over TLS against the raw baseline over TLS (raw-tls: raw-buffered with the same engine and
     * cipher suite), for every target metric both have, with the TLS targets (W3 >= 0.85).
     */
    List<Map<String, Object>> tlsRatios() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target target : TARGETS) {
            Optional<Double> cohort = value(target.workload, Harness.COHORT_TLS, target.metric);
            Optional<Double> raw = value(target.workload, Harness.RAW_TLS, target.metric);
            if (cohort.isEmpty() || raw.isEmpty()) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", target.workload.name());
            row.put("metric", target.metric);
            row.put("label", target.label);
            row.put(Harness.COHORT_TLS, cohort.get());
            row.put(Harness.RAW_TLS, raw.get());
            double ratio = cohort.get() / raw.get();
            row.put("ratio", ratio);
            judge(row, target.higherIsBetter, ratio, target.tlsThreshold);
            rows.add(row);
        }
        return rows;
    }

    /** What TLS costs the raw baseline: raw-tls over raw-buffered, for every target metric both have. */
    List<Map<String, Object>> rawTlsCost() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target target : TARGETS) {
            Optional<Double> plain = value(target.workload, Harness.RAW_BUFFERED, target.metric);
            Optional<Double> tls = value(target.workload, Harness.RAW_TLS, target.metric);
            if (plain.isPresent() && tls.isPresent()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", target.workload.name());
                row.put("metric", target.metric);
                row.put("label", target.label);
                row.put(Harness.RAW_BUFFERED, plain.get());
                row.put(Harness.RAW_TLS, tls.get());
                row.put("ratio", tls.get() / plain.get());
                rows.add(row);
            }
        }
        return rows;
    }

    /** The TLS each TLS system ran, as its nodes said once connected: system to engine, protocol and cipher. */
    Map<String, String> tlsUsed() {
        Map<String, String> used = new LinkedHashMap<>();
        for (Map<String, Object> trial : trials) {
            if (trial.get("tls") != null) {
                used.putIfAbsent((String) trial.get("system"), (String) trial.get("tls"));
            }
        }
        return used;
    }

    /** A Cohort variant's figures over plain Cohort's. */
    List<Map<String, Object>> variantCost(String variant) {
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

    /**
     * The lossless build against its parent, same run: Cohort's figure over cohort-parent's for every
     * target metric, and the CPU per message of each workload. Above 1 is more: faster for rates, slower
     * for latencies and CPU.
     */
    List<Map<String, Object>> parentCost() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Target> metrics = new ArrayList<>(TARGETS);
        for (Workload workload : Workload.values()) {
            metrics.add(new Target(workload, "cpuPerMsg", workload.kind == Workload.Kind.REQUEST_REPLY
                    ? "cpu us/req" : "cpu us/msg", false, Harness.COHORT_PARENT, null, null));
        }
        for (Target target : metrics) {
            Optional<Double> now = value(target.workload, Harness.COHORT, target.metric);
            Optional<Double> parent = value(target.workload, Harness.COHORT_PARENT, target.metric);
            if (now.isPresent() && parent.isPresent()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workload", target.workload.name());
                row.put("metric", target.metric);
                row.put("label", target.label);
                row.put("cohort", now.get());
                row.put(Harness.COHORT_PARENT, parent.get());
                row.put("ratio", now.get() / parent.get());
                rows.add(row);
            }
        }
        return rows;
    }

    /** W5: no collapse at 8 nodes. */
    Map<String, Object> mesh() {
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

    /** @return the medians of every workload and system that has figures */
    Map<Workload, Map<String, Map<String, Double>>> medians() {
        return medians;
    }

    /** @return the table printed at the end of a run */
    String table() {
        return new ReportTable(this, trials).text() + new DeliveryTable(this).text();
    }

    /** @return the results.json document */
    Map<String, Object> json() {
        return new ReportJson(this, options, trials, seconds).document();
    }
}
