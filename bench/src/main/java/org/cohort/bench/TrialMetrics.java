package org.cohort.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The figures of one trial, computed from the marks its nodes answered before, after and at the end. */
final class TrialMetrics {

    private TrialMetrics() {
    }

    /** The figures of one trial: over the measured window, and the checks over the whole trial. */
    static Map<String, Double> metrics(Workload workload, List<Map<String, Double>> before,
            List<Map<String, Double>> after, List<Map<String, Double>> last) {
        Map<String, Double> m = new LinkedHashMap<>();
        double cpuNanos = 0;
        double appCpuNanos = 0;
        double window = 0;
        for (int k = 0; k < before.size(); k++) {
            cpuNanos += after.get(k).get("cpu") - before.get(k).get("cpu");
            appCpuNanos += after.get(k).get("appCpu") - before.get(k).get("appCpu");
            window = Math.max(window, (after.get(k).get("t") - before.get(k).get("t")) / 1e9);
        }
        m.put("window", window);
        double messages;
        if (workload.kind == Workload.Kind.REQUEST_REPLY) {
            Map<String, Double> a = before.get(0);
            Map<String, Double> b = after.get(0);
            double seconds = (b.get("t") - a.get("t")) / 1e9;
            messages = b.get("replies") - a.get("replies");
            m.put("rate", messages / seconds);
            m.put("p50", b.get("lat.p50") / 1e3);
            m.put("p90", b.get("lat.p90") / 1e3);
            m.put("p99", b.get("lat.p99") / 1e3);
            m.put("p999", b.get("lat.p999") / 1e3);
            m.put("max", b.get("lat.max") / 1e3);
            m.put("mean", b.get("lat.mean") / 1e3);
            m.put("samples", b.get("lat.count"));
            Map<String, Double> end = last.get(0);
            m.put("requests", end.get("requests"));
            m.put("replies", end.get("replies"));
            m.put("drops", end.get("requests") - end.get("replies"));
        } else {
            double rate = 0;
            double bytes = 0;
            double min = Double.MAX_VALUE;
            double max = 0;
            int receivers = 0;
            for (int k = 0; k < before.size(); k++) {
                Map<String, Double> a = before.get(k);
                Map<String, Double> b = after.get(k);
                double seconds = (b.get("t") - a.get("t")) / 1e9;
                double count = b.get("received") - a.get("received");
                if (workload.kind == Workload.Kind.ONE_WAY && k == 0) {
                    continue; // node 1 only sends
                }
                double nodeRate = count / seconds;
                rate += nodeRate;
                bytes += (b.get("receivedBytes") - a.get("receivedBytes")) / seconds;
                min = Math.min(min, nodeRate);
                max = Math.max(max, nodeRate);
                receivers++;
                if (workload.kind == Workload.Kind.BROADCAST) {
                    m.put("node" + (k + 1), nodeRate);
                }
            }
            messages = rate * window;
            m.put("rate", rate);
            m.put("mbps", bytes / 1e6);
            m.put("perNodeMin", min);
            m.put("perNodeMax", max);
            m.put("perNodeMean", rate / receivers);
            m.put("sent", sum(last, "sent"));
            m.put("expected", sum(last, "expected"));
            m.put("received", sum(last, "received"));
            // A drop: a message the transport accepted (send returned true) that never arrived.
            m.put("drops", sum(last, "expected") - sum(last, "received"));
        }
        m.put("cpuPerMsg", messages == 0 ? 0 : appCpuNanos / messages / 1e3);
        m.put("processCpuPerMsg", messages == 0 ? 0 : cpuNanos / messages / 1e3);
        m.put("cores", cpuNanos / 1e9 / window);
        m.put("jitGcVmShare", cpuNanos == 0 ? 0 : 1 - appCpuNanos / cpuNanos);
        m.put("gaps", sum(last, "gaps"));
        m.put("outOfOrder", sum(last, "outOfOrder"));
        m.put("mismatches", sum(last, "mismatches"));
        m.put("failures", sum(last, "failures"));
        m.put("refused", sum(last, "refused"));
        m.put("creditTimeouts", sum(last, "creditTimeouts"));
        m.put("gcCount", sum(after, "gc.count") - sum(before, "gc.count"));
        m.put("gcMs", sum(after, "gc.ms") - sum(before, "gc.ms"));
        for (String key : List.of("cohort.streamsClosed", "cohort.sendRefusedQueueFull", "cohort.sendRefusedNoStream",
                "cohort.sendRefusedUnknownNode", "cohort.sendRefusedTooLarge", "cohort.droppedOnClose",
                "cohort.dispatch.rejected", "cohort.dispatch.noHandler", "cohort.silentPeersClosed", "cohort.flushes",
                "cohort.sent", "raw.readerFailures")) {
            if (last.get(0).containsKey(key)) {
                m.put(key, sum(last, key));
            }
        }
        // The lossless sessions' counters (sent, acked, resent, duplicates, refused and failed back by reason).
        new TreeMap<>(last.get(0)).keySet().stream().filter(key -> key.startsWith("cohort.delivery."))
                .forEach(key -> m.put(key, sum(last, key)));
        Map<String, Double> failures = new TreeMap<>();
        for (Map<String, Double> node : last) {
            node.forEach((key, value) -> {
                if (key.startsWith("failure.")) {
                    failures.merge(key, value, Double::sum);
                }
            });
        }
        m.putAll(failures);
        return m;
    }

    /** @return the sum of one figure over the nodes' marks, a missing one counting 0 */
    static double sum(List<Map<String, Double>> marks, String key) {
        return marks.stream().mapToDouble(m -> m.getOrDefault(key, 0.0)).sum();
    }
}
