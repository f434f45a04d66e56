package org.cohort.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of the end-of-run table about issue 16 ("lossless by design"): what each system accepted,
 * delivered, refused and failed back, summed over the rounds, and the cost of Cohort's flow control and
 * acks against the parent build when it ran beside it.
 */
final class DeliveryTable {

    private final Report report;

    DeliveryTable(Report report) {
        this.report = report;
    }

    String text() {
        StringBuilder out = new StringBuilder();
        List<Map<String, Object>> parent = report.parentCost();
        if (!parent.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nFlow control and acks: cohort against cohort-parent, same run "
                    + "(medians; ratio = cohort / cohort-parent):%n"));
            for (Map<String, Object> row : parent) {
                out.append(String.format(Locale.ROOT, "  %-4s %-16s %12s %12s  %6.2f%n", row.get("workload"),
                        row.get("label"), num(row.get(Harness.COHORT)), num(row.get(Harness.COHORT_PARENT)),
                        (Double) row.get("ratio")));
            }
        }
        out.append(String.format(Locale.ROOT, "%nDelivery, summed over the rounds: sent (accepted by the transport) "
                + "/ received / drops (accepted, never received); refusals (send returned false, retried) and "
                + "Cohort's counters by reason:%n"));
        for (Map.Entry<Workload, Map<String, Map<String, Double>>> w : report.medians().entrySet()) {
            if (w.getKey().kind == Workload.Kind.REQUEST_REPLY) {
                continue;
            }
            for (Map.Entry<String, Map<String, Double>> s : w.getValue().entrySet()) {
                Map<String, Double> m = s.getValue();
                out.append(String.format(Locale.ROOT, "  %-4s %-14s %,13.0f %,13.0f %,9.0f  refused %,.0f%s%n",
                        w.getKey(), s.getKey(), m.getOrDefault("expected", m.getOrDefault("sent", 0.0)),
                        m.getOrDefault("received", 0.0), m.getOrDefault("drops", 0.0),
                        m.getOrDefault("refused", 0.0), reasons(m)));
            }
        }
        return out.toString();
    }

    /** Every non-zero refusal, failure and session counter Cohort reported, by name. */
    private static String reasons(Map<String, Double> m) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(m).forEach((key, value) -> {
            boolean reason = key.startsWith("cohort.sendRefused") || key.startsWith("cohort.delivery.")
                    || key.equals("cohort.droppedOnClose") || key.equals("cohort.dispatch.noHandler")
                    || key.equals("cohort.dispatch.rejected") || key.startsWith("failure.")
                    || key.equals("creditTimeouts");
            if (reason && value != 0) {
                out.append(String.format(Locale.ROOT, "  %s %,.0f", key.replace("cohort.", ""), value));
            }
        });
        return out.toString();
    }

    private static String num(Object value) {
        if (!(value instanceof Double d)) {
            return "-";
        }
        return String.format(Locale.ROOT, Math.abs(d) >= 1000 ? "%,.0f" : Math.abs(d) >= 100 ? "%.1f" : "%.2f", d);
    }
}
