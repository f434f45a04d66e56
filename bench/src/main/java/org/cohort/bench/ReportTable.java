package org.cohort.bench;

import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The table a run prints at its end: the machine, the ratios against the targets, CPU, TLS cost and checks. */
final class ReportTable {

    private final Report report;
    private final List<Map<String, Object>> trials;

    ReportTable(Report report, List<Map<String, Object>> trials) {
        this.report = report;
        this.trials = trials;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        DoubleSummaryStatistics load = trials.stream().map(t -> t.get("metrics"))
                .filter(m -> m instanceof Map<?, ?>).mapToDouble(m -> ((Map<?, ?>) m).get("loadAverage") instanceof Double d
                        ? d : -1).filter(d -> d >= 0).summaryStatistics();
        if (load.getCount() > 0) {
            out.append(String.format(Locale.ROOT, "Load average at the windows' start: %.1f to %.1f (%d processors)%n",
                    load.getMin(), load.getMax(), Runtime.getRuntime().availableProcessors()));
        }
        DoubleSummaryStatistics steal = stat("machineStealPct");
        DoubleSummaryStatistics busy = stat("machineBusyPct");
        if (steal.getCount() > 0) {
            out.append(String.format(Locale.ROOT, "Machine CPU during the windows: busy %.0f-%.0f%%, stolen by the "
                    + "hypervisor %.0f-%.0f%%%n", busy.getMin(), busy.getMax(), steal.getMin(), steal.getMax()));
        }
        out.append('\n');
        out.append(String.format(Locale.ROOT, "%-4s %-16s %12s %12s %12s %12s  %-12s %6s  %-8s %s%n", "", "metric",
                "cohort", "raw-buffered", "raw-inline", "cohort-tls", "vs", "ratio", "target", "met"));
        for (Map<String, Object> row : report.ratios()) {
            Workload workload = Workload.valueOf((String) row.get("workload"));
            out.append(String.format(Locale.ROOT, "%-4s %-16s %12s %12s %12s %12s  %-12s %6.2f  %-8s %s%n",
                    workload, row.get("label"), num(row.get("cohort")), num(row.get(Harness.RAW_BUFFERED)),
                    num(row.get(Harness.RAW_INLINE)),
                    num(report.value(workload, Harness.COHORT_TLS, (String) row.get("metric")).orElse(null)),
                    row.get("baseline"), (Double) row.get("ratio"), row.getOrDefault("target", ""),
                    row.containsKey("met") ? ((Boolean) row.get("met") ? "yes" : "NO") : ""));
        }
        Map<String, Object> w5 = report.mesh();
        if (!w5.isEmpty()) {
            out.append(String.format(Locale.ROOT, "W5   no collapse: fairness min/mean %.2f, streams lost %.0f, "
                    + "messages lost %.0f, ratio %s (W1 %s) -> %s%n", w5.get("fairnessMinOverMean"),
                    w5.get("streamsClosed"), w5.get("lost"), num(w5.get("ratio")), num(w5.get("ratioW1")),
                    (Boolean) w5.get("met") ? "met" : "NOT MET"));
        }
        out.append(String.format(Locale.ROOT, "%nCPU per message, application threads of all nodes (us; JIT, GC and VM threads excluded):%n"));
        for (Workload workload : report.medians().keySet()) {
            out.append(String.format(Locale.ROOT, "  %-4s", workload));
            for (String system : List.of(Harness.COHORT, Harness.COHORT_PARENT, Harness.COHORT_TLS,
                    Harness.COHORT_DIRECT, Harness.RAW_BUFFERED, Harness.RAW_INLINE, Harness.RAW_TLS)) {
                report.value(workload, system, "cpuPerMsg").ifPresent(v -> out.append(
                        String.format(Locale.ROOT, "  %s %.2f", system, v)));
            }
            out.append('\n');
        }
        List<Map<String, Object>> tls = report.tlsCost();
        if (!tls.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nTLS / plain (cohort-tls / cohort):"));
            for (Map<String, Object> row : tls) {
                out.append(String.format(Locale.ROOT, "  %s %s %.2f", row.get("workload"), row.get("label"),
                        (Double) row.get("ratio")));
            }
            out.append('\n');
        }
        List<Map<String, Object>> tlsRatios = report.tlsRatios();
        if (!tlsRatios.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nTLS against raw TLS, same engine and cipher suite:%n"));
            report.tlsUsed().forEach((system, used) -> out.append(String.format(Locale.ROOT, "  %-10s %s%n", system,
                    used)));
            out.append(String.format(Locale.ROOT, "%-4s %-16s %12s %12s  %6s  %-8s %s%n", "", "metric", "cohort-tls",
                    "raw-tls", "ratio", "target", "met"));
            for (Map<String, Object> row : tlsRatios) {
                out.append(String.format(Locale.ROOT, "%-4s %-16s %12s %12s  %6.2f  %-8s %s%n", row.get("workload"),
                        row.get("label"), num(row.get(Harness.COHORT_TLS)), num(row.get(Harness.RAW_TLS)),
                        (Double) row.get("ratio"), row.getOrDefault("target", ""),
                        row.containsKey("met") ? ((Boolean) row.get("met") ? "yes" : "NO") : ""));
            }
        }
        List<Map<String, Object>> rawTls = report.rawTlsCost();
        if (!rawTls.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nRaw TLS cost (raw-tls / raw-buffered):"));
            for (Map<String, Object> row : rawTls) {
                out.append(String.format(Locale.ROOT, "  %s %s %.2f", row.get("workload"), row.get("label"),
                        (Double) row.get("ratio")));
            }
            out.append('\n');
        }
        List<Map<String, Object>> direct = report.variantCost(Harness.COHORT_DIRECT);
        if (!direct.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nOpt-in, handlers and reply stages on the IO thread (cohort-direct / cohort):"));
            for (Map<String, Object> row : direct) {
                out.append(String.format(Locale.ROOT, "  %s %s %.2f", row.get("workload"), row.get("label"),
                        (Double) row.get("ratio")));
            }
            out.append('\n');
        }
        out.append(String.format(Locale.ROOT, "%nChecks, summed over the rounds (drops / gaps / out of order / "
                + "failures / Cohort streams closed):%n"));
        boolean clean = true;
        for (Map.Entry<Workload, Map<String, Map<String, Double>>> w : report.medians().entrySet()) {
            out.append(String.format(Locale.ROOT, "  %-4s", w.getKey()));
            for (Map.Entry<String, Map<String, Double>> s : w.getValue().entrySet()) {
                Map<String, Double> m = s.getValue();
                // W5's warm-up storm may close streams (a lossless build resends what they held): only
                // W1-W4 must keep every stream.
                double bad = m.get("drops") + m.get("gaps") + m.get("outOfOrder") + m.get("failures")
                        + m.get("mismatches") + (w.getKey() == Workload.W5 ? 0
                        : m.getOrDefault("cohort.streamsClosed", 0.0));
                if (!s.getKey().equals(Harness.COHORT_PARENT)) { // the old build is measured, not judged
                    clean &= bad == 0;
                }
                out.append(String.format(Locale.ROOT, "  %s %.0f/%.0f/%.0f/%.0f/%s", s.getKey(), m.get("drops"),
                        m.get("gaps"), m.get("outOfOrder"), m.get("failures") + m.get("mismatches"),
                        m.containsKey("cohort.streamsClosed") ? String.format(Locale.ROOT, "%.0f",
                                m.get("cohort.streamsClosed")) : "-"));
            }
            out.append('\n');
        }
        out.append(clean ? "  W1-W5: zero drops, in order, every request answered, no stream lost in W1-W4"
                + " (cohort-parent not judged).\n"
                : "  W1-W5: NOT CLEAN, see above.\n");
        long failed = trials.stream().filter(t -> t.get("error") != null).count();
        if (failed > 0) {
            out.append("  ").append(failed).append(" trial(s) failed; see results.json and the node logs.\n");
        }
        return out.toString();
    }

    private DoubleSummaryStatistics stat(String key) {
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
}
