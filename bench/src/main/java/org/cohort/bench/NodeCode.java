package org.cohort.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The harness's own node code ({@code org/cohort/bench}) as a class-path entry of its own, without the
 * api, core and libraries the shaded jar carries beside it: put before another build's jar, it runs that
 * build's Cohort under this harness.
 */
final class NodeCode {

    private static final String PACKAGE = "org/cohort/bench/";

    private NodeCode() {
    }

    /**
     * @param dir where to extract the classes when the harness runs from its jar (emptied first)
     * @return a class-path entry holding only the harness's classes: {@code dir}, or the classes directory
     *     the harness runs from
     */
    static Path extract(Path dir) throws IOException {
        Path source;
        try {
            source = Path.of(NodeCode.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        if (Files.isDirectory(source)) {
            return source; // target/classes: bench's classes only
        }
        Machine.deleteTree(dir);
        try (JarFile jar = new JarFile(source.toFile())) {
            for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                if (entry.isDirectory() || !entry.getName().startsWith(PACKAGE)) {
                    continue;
                }
                Path target = dir.resolve(entry.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("entry outside the jar's tree: " + entry.getName());
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return dir;
    }
}
