package org.cohort.testtools.reconcile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.cohort.shell.CommandJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a final report (what a sender numbered, what a receiver got) in the node's data folder when the
 * test tools stop, so that a test can reconcile a node's traffic across its restart: the ledgers live in
 * memory and would go with the JVM. Files go to {@code ${karaf.data}/cohort-testtools/KIND-MILLIS.json}, as
 * the commands' JSON; outside Karaf (no {@code karaf.data}) nothing is written.
 */
public final class ReportArchive {

    /** The folder below {@code karaf.data}. */
    public static final String FOLDER = "cohort-testtools";

    private static final Logger LOG = LoggerFactory.getLogger(ReportArchive.class);

    private ReportArchive() {
    }

    /**
     * Writes one report; a failure is logged, never thrown (the bundle is stopping).
     *
     * @param kind "sent" or "received"
     * @param report the report, as the command's JSON shows it
     */
    public static void write(String kind, Map<String, Object> report) {
        String data = System.getProperty("karaf.data");
        if (data == null) {
            return;
        }
        Path file = Path.of(data, FOLDER, kind + "-" + System.currentTimeMillis() + ".json");
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, CommandJson.write(report), StandardCharsets.UTF_8);
            LOG.info("Kept the test tools' {} report in {}", kind, file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not keep the test tools' {} report in {}: {}", kind, file, e.toString());
        }
    }
}
