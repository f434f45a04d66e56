package org.cohort.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The kept inputs of a fuzz target, where Jazzer's JUnit integration looks for them:
 * {@code src/test/resources/<package>/<Class>Inputs/<method>/}. The seeds ({@code seed-*}) are made by
 * the real encoders and rewritten by hand with {@code -Dfuzz.writeSeeds=true} (see each target's
 * {@code *SeedsTest}); Jazzer adds its findings there as {@code crash-*} (and the like) files.
 */
public final class Seeds {

    /** Set to true to rewrite the seed files in the source tree. */
    public static final String WRITE_PROPERTY = "fuzz.writeSeeds";

    private Seeds() {
    }

    /** Writes (replaces) the seeds of a target into the source tree, relative to the module's folder. */
    public static void write(Class<?> fuzzTest, String method, Map<String, byte[]> seeds) throws IOException {
        Path folder = Paths.get("src", "test", "resources").resolve(fuzzTest.getPackageName().replace('.', '/'))
                .resolve(fuzzTest.getSimpleName() + "Inputs").resolve(method);
        Files.createDirectories(folder);
        try (Stream<Path> old = Files.list(folder)) {
            for (Path file : (Iterable<Path>) old::iterator) {
                if (file.getFileName().toString().startsWith("seed-")) {
                    Files.delete(file);
                }
            }
        }
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            Files.write(folder.resolve("seed-" + seed.getKey()), seed.getValue());
        }
    }

    /** Every kept input of a target on the test class path (seeds and findings), by file name. */
    public static Map<String, byte[]> read(Class<?> fuzzTest, String method) {
        Map<String, byte[]> inputs = new TreeMap<>();
        URL folder = fuzzTest.getResource(fuzzTest.getSimpleName() + "Inputs/" + method);
        if (folder == null) {
            return inputs;
        }
        try (Stream<Path> files = Files.list(Paths.get(folder.toURI()))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                inputs.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return inputs;
    }
}
