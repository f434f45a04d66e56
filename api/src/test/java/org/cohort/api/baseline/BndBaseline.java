package org.cohort.api.baseline;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.Baseline.Info;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Instructions;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * bnd's baselining of API classes against the committed baseline jar, the way the
 * bnd-baseline-maven-plugin runs it, but with {@code -baselineincludezeromajor} set: bnd skips packages
 * whose major version is 0 unless told otherwise, and neither Maven plugin can be told. Cohort's
 * packages are all 0.x until the first release, so without this nothing would be checked.
 */
final class BndBaseline {

    /** The API of main before this guard existed (see docs/compatibility.md); relative to api/. */
    static final Path BASELINE_JAR = Path.of("baseline/org/cohort/cohort-api/0.1.0/cohort-api-0.1.0.jar");

    /** One exported package's verdict. */
    record Verdict(String packageName, String delta, String newer, String older, String suggested,
            boolean mismatch, String diff) {

        @Override
        public String toString() {
            return (mismatch ? "* " : "  ") + packageName + " " + delta + " " + newer + " (was " + older
                    + ", needs " + suggested + ")" + (mismatch ? "\n" + diff : "");
        }
    }

    private BndBaseline() {
    }

    /**
     * Bundles the classes as api/pom.xml does (every org.cohort.api package exported at its
     * package-info version) and baselines them against the committed jar.
     */
    static List<Verdict> check(Path classes) throws Exception {
        try (Builder builder = new Builder();
                Jar older = new Jar(BASELINE_JAR.toFile());
                Processor processor = new Processor()) {
            builder.setProperty("Bundle-SymbolicName", "org.cohort.api");
            builder.setProperty("Bundle-Version", "0.1.0");
            builder.setProperty("Export-Package", "org.cohort.api.*");
            builder.addClasspath(classes.toFile());
            Jar newer = builder.build();
            if (!builder.getErrors().isEmpty()) {
                throw new IllegalStateException("bnd could not bundle " + classes + ": " + builder.getErrors());
            }
            processor.setProperty("-baselineincludezeromajor", "true");
            Baseline baseline = new Baseline(processor, new DiffPluginImpl());
            return baseline.baseline(newer, older, new Instructions("*")).stream()
                    .map(info -> verdict(info))
                    .sorted(java.util.Comparator.comparing(Verdict::packageName))
                    .collect(Collectors.toList());
        }
    }

    /** The packages whose version does not say what changed, with bnd's diff of each. */
    static List<Verdict> mismatches(Path classes) throws Exception {
        return check(classes).stream().filter(Verdict::mismatch).collect(Collectors.toList());
    }

    private static Verdict verdict(Info info) {
        return new Verdict(info.packageName, String.valueOf(info.packageDiff.getDelta()),
                String.valueOf(info.newerVersion), String.valueOf(info.olderVersion),
                String.valueOf(info.suggestedVersion), info.mismatch, String.format("%#2S", info.packageDiff));
    }

    /** Where the API's own classes were compiled to (target/classes). */
    static Path compiledClasses() throws Exception {
        return Path.of(org.cohort.api.cluster.ClusterService.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
    }

    /** The jar (or folder) of the versioning annotations, to compile changed sources against. */
    static File annotationsOnClasspath() throws Exception {
        return new File(org.osgi.annotation.versioning.ProviderType.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
    }
}
