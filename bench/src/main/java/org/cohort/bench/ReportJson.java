package org.cohort.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results.json document: the machine, the settings, the workloads, the comparisons and every trial. */
final class ReportJson {

    private final Report report;
    private final Harness.Options options;
    private final List<Map<String, Object>> trials;
    private final double seconds;

    ReportJson(Report report, Harness.Options options, List<Map<String, Object>> trials, double seconds) {
        this.report = report;
        this.options = options;
        this.trials = trials;
        this.seconds = seconds;
    }

    Map<String, Object> document() {
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
        settings.put("profile", options.profileDir == null ? null : options.profileDir.toString());
        settings.put("runSeconds", seconds);
        settings.put("loadAverageAtEnd", Machine.loadAverage());
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
        json.put("ratios", report.ratios());
        json.put("w5", report.mesh());
        json.put("tls", report.tlsUsed());
        json.put("tlsCost", report.tlsCost());
        json.put("tlsRatios", report.tlsRatios());
        json.put("rawTlsCost", report.rawTlsCost());
        json.put("directHandlersCost", report.variantCost(Harness.COHORT_DIRECT));
        json.put("parentCost", report.parentCost());
        settings.put("parentJar", options.parentJar == null ? null : options.parentJar.toString());
        Map<String, Object> summary = new LinkedHashMap<>();
        report.medians().forEach((workload, bySystem) -> summary.put(workload.name(), bySystem));
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
