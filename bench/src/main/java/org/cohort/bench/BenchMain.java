package org.cohort.bench;

import java.util.Arrays;

/**
 * {@code java -jar cohort-bench.jar [harness|jmh|profile-summary] ...}: the harness (the default), the JMH
 * microbenchmarks, or a summary of JFR recordings.
 */
public final class BenchMain {

    /** What {@code jmh} runs with when given no options: one fork, allocation figures, about 2 min in all. */
    static String[] jmhDefaults() {
        return new String[] {"-prof", "gc", "-f", "1", "-wi", "3", "-w", "1s", "-i", "5", "-r", "1s",
            "-jvmArgs", "-Xms256m -Xmx256m -XX:+UseG1GC -XX:+AlwaysPreTouch", "-rf", "json",
            "-rff", Harness.Options.jarDir().resolve("jmh-results.json").toString()};
    }

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 || args[0].startsWith("-") ? "harness" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("-") ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "harness" -> Harness.main(rest);
            case "jmh" -> org.openjdk.jmh.Main.main(rest.length == 0 ? jmhDefaults() : rest);
            case "profile-summary" -> ProfileSummary.main(rest);
            default -> {
                Harness.Options.usage();
                System.exit(2);
            }
        }
    }
}
