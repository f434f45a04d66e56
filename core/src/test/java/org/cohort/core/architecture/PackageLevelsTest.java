package org.cohort.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds core's packages to the levels docs/architecture.md draws: a package imports only packages on a
 * lower level (and the API, below everything), so the layout keeps showing the architecture. A new
 * package must be placed in the table here and in the document.
 */
class PackageLevelsTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path DOC = Path.of("../docs/architecture.md");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.cohort\\.[a-z.]+?)\\.[A-Z]",
            Pattern.MULTILINE);

    /** The levels of docs/architecture.md, lowest first. */
    private static final Map<String, Integer> LEVELS = Map.ofEntries(
            Map.entry("org.cohort.core.util", 0),
            Map.entry("org.cohort.core.delivery", 0),
            Map.entry("org.cohort.core.runtime", 0),
            Map.entry("org.cohort.core.frame", 0),
            Map.entry("org.cohort.core.config", 1),
            Map.entry("org.cohort.core.envelope", 2),
            Map.entry("org.cohort.core.detection", 2),
            Map.entry("org.cohort.core.handshake", 3),
            Map.entry("org.cohort.core.membership", 3),
            Map.entry("org.cohort.core.serialization", 3),
            Map.entry("org.cohort.core.messaging", 4),
            Map.entry("org.cohort.core.transport", 5),
            Map.entry("org.cohort.core.stats", 6),
            Map.entry("org.cohort.core.jmx", 7),
            Map.entry("org.cohort.core.shell", 7),
            Map.entry("org.cohort.core.embed", 7),
            Map.entry("org.cohort.embed", 8),
            Map.entry("org.cohort.shell", 0));

    @Test
    void everyPackageImportsOnlyPackagesBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        List<String> unplaced = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Integer level = LEVELS.get(pkg);
                if (level == null) {
                    unplaced.add(pkg);
                    return;
                }
                Matcher imports = IMPORT.matcher(read(file));
                while (imports.find()) {
                    String imported = imports.group(1);
                    if (imported.equals(pkg) || imported.startsWith("org.cohort.api.")) {
                        continue;
                    }
                    Integer importedLevel = LEVELS.get(imported);
                    if (importedLevel == null || importedLevel >= level) {
                        violations.add(file.getFileName() + " (" + pkg + ", level " + level + ") imports " + imported
                                + " (level " + importedLevel + ")");
                    }
                }
            });
        }
        assertThat(unplaced).as("packages docs/architecture.md does not place").isEmpty();
        assertThat(violations).as("imports of a package on the same or a higher level").isEmpty();
    }

    @Test
    void theDocumentNamesEveryPackage() {
        String doc = read(DOC);
        for (String pkg : LEVELS.keySet()) {
            String shortName = pkg.startsWith("org.cohort.core.") ? pkg.substring("org.cohort.".length()) : pkg;
            assertThat(doc).as("docs/architecture.md names %s", pkg).contains("`" + shortName + "`");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
