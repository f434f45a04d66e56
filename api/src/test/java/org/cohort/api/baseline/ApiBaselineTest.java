package org.cohort.api.baseline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.cohort.api.baseline.BndBaseline.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API stays compatible with its committed baseline unless its package versions say otherwise
 * (docs/compatibility.md), and the guard catches what it must: each case below changes a copy of the
 * compiled API (recompiling the changed sources) and checks bnd's verdict.
 */
class ApiBaselineTest {

    private static final String CLUSTER = "src/main/java/org/cohort/api/cluster/";
    private static final String SERIALIZATION = "src/main/java/org/cohort/api/serialization/";

    @TempDir
    Path scratch;

    @Test
    void theApiIsCompatibleWithTheBaselineOrItsPackageVersionsSaySo() throws Exception {
        List<Verdict> verdicts = BndBaseline.check(BndBaseline.compiledClasses());

        assertThat(verdicts).extracting(Verdict::packageName).containsExactly(
                "org.cohort.api.cluster", "org.cohort.api.messaging", "org.cohort.api.serialization");
        assertThat(verdicts).as("packages whose version does not match their change since the baseline: "
                + "bump them as docs/compatibility.md says").noneMatch(Verdict::mismatch);
    }

    @Test
    void removingAMethodOfAProviderTypeNeedsAMajorVersion() throws Exception {
        Change removal = new Change().edit(CLUSTER + "ClusterService.java",
                "    void removeListener(ClusterEventListener listener);\n", "");

        assertThat(removal.mismatches()).extracting(Verdict::packageName).containsExactly("org.cohort.api.cluster");
        assertThat(removal.version(CLUSTER, "0.3.0").mismatches()).isNotEmpty();
        assertThat(removal.version(CLUSTER, "1.0.0").mismatches()).isEmpty();
    }

    @Test
    void addingAMethodToAProviderTypeNeedsAMinorVersion() throws Exception {
        Change addition = new Change().edit(CLUSTER + "ClusterService.java",
                "    void removeListener(ClusterEventListener listener);\n",
                "    void removeListener(ClusterEventListener listener);\n\n    int memberCount();\n");

        // Measured against the baseline (0.1.0): a micro bump is not enough, a minor one is.
        assertThat(addition.version(CLUSTER, "0.1.1").mismatches()).extracting(Verdict::packageName)
                .containsExactly("org.cohort.api.cluster");
        assertThat(addition.version(CLUSTER, "0.3.0").mismatches()).isEmpty();
    }

    @Test
    void addingAMethodToAConsumerTypeNeedsAMajorVersion() throws Exception {
        Change addition = new Change().edit(CLUSTER + "ClusterNodesDelegate.java",
                "    void nodeVanished(NodeId nodeId);\n",
                "    void nodeVanished(NodeId nodeId);\n\n    void nodeSuspected(NodeId nodeId);\n");

        assertThat(addition.version(CLUSTER, "0.3.0").mismatches()).isNotEmpty();
        assertThat(addition.version(CLUSTER, "1.0.0").mismatches()).isEmpty();
    }

    @Test
    void theDeprecatedEnvelopeMethodsLeaveOnlyWithAMajorVersion() throws Exception {
        Change removal = new Change().edit(SERIALIZATION + "SerializationService.java",
                "    @Deprecated\n    int maxEncodedLength(ClusterMessage message);\n", "");

        assertThat(removal.mismatches()).extracting(Verdict::packageName)
                .containsExactly("org.cohort.api.serialization");
        assertThat(removal.version(SERIALIZATION, "1.0.0").mismatches()).isEmpty();
    }

    /** Changed copies of API sources, compiled over a copy of the API's classes. */
    private final class Change {
        private final List<Path> sources = new ArrayList<>();
        private final Path sourceRoot = scratch.resolve("src");

        Change edit(String source, String from, String to) throws IOException {
            Path copy = copyOf(source);
            String text = Files.readString(copy);
            assertThat(text).as("%s still holds the text this case changes", source).contains(from);
            Files.writeString(copy, text.replace(from, to));
            return this;
        }

        Change version(String packageFolder, String version) throws IOException {
            Path copy = copyOf(packageFolder + "package-info.java");
            Files.writeString(copy, Files.readString(copy).replaceFirst("@Version\\(\"[^\"]+\"\\)",
                    "@Version(\"" + version + "\")"));
            return this;
        }

        List<Verdict> mismatches() throws Exception {
            Path classes = Files.createTempDirectory(scratch, "classes");
            copyTree(BndBaseline.compiledClasses(), classes);
            compile(classes);
            return BndBaseline.mismatches(classes);
        }

        private Path copyOf(String source) throws IOException {
            Path copy = sourceRoot.resolve(source);
            if (!sources.contains(copy)) {
                Files.createDirectories(copy.getParent());
                Files.copy(Path.of(source), copy);
                sources.add(copy);
            }
            return copy;
        }

        private void compile(Path classes) throws Exception {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-implicit:none",
                    "-d", classes.toString(),
                    "-cp", classes + File.pathSeparator + BndBaseline.annotationsOnClasspath()));
            sources.forEach(source -> args.add(source.toString()));
            StringWriter errors = new StringWriter();
            int status = javac.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    errors.write(b);
                }
            }), args.toArray(String[]::new));
            assertThat(status).as("javac: %s", errors).isZero();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
