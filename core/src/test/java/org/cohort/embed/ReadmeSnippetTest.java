package org.cohort.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageSubject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** README's "Running a node in plain Java" compiles and runs as written: the snippet is below, verbatim. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeSnippetTest {

    private static final Path README = Path.of("../README.md");
    private static final Path SOURCE = Path.of("src/test/java/org/cohort/embed/ReadmeSnippetTest.java");
    private static final String HEADING = "## Running a node in plain Java";

    static void snippet() throws Exception {
        // README snippet begins
        try (CohortNode node = CohortNode.builder()                  // the keys of etc/org.cohort.cluster.cfg
                .set("cluster.name", "demo")
                .set("node.id", "node-1")
                .set("members", "node-1@127.0.0.1:47101, node-2@127.0.0.2:47101")
                .start()) {                                           // listens, and dials node-2
            MessageSubject echo = MessageSubject.of("demo.echo");
            node.addHandler(echo, payload -> payload);               // as a whiteboard MessageHandler
            byte[] reply = node.communication()
                    .sendAndReceive(echo, "hello".getBytes(StandardCharsets.UTF_8), NodeId.of("node-1"))
                    .get(5, TimeUnit.SECONDS);
            System.out.println(new String(reply, StandardCharsets.UTF_8) + " from " + node.cluster().localMember());
        }                                                             // every cohort-* thread stopped
        // README snippet ends
    }

    @Test
    void theSnippetRuns() throws Exception {
        snippet();
    }

    @Test
    void readmeShowsTheSnippetAsItIsHere() throws IOException {
        List<String> source = Files.readAllLines(SOURCE, StandardCharsets.UTF_8);
        List<String> tested = source.subList(source.indexOf("        // README snippet begins") + 1,
                source.indexOf("        // README snippet ends")).stream().map(String::strip).toList();

        List<String> readme = Files.readAllLines(README, StandardCharsets.UTF_8);
        int section = readme.indexOf(HEADING);
        assertThat(section).as("README has the section %s", HEADING).isNotNegative();
        int start = readme.subList(section, readme.size()).indexOf("```java") + section + 1;
        int end = readme.subList(start, readme.size()).indexOf("```") + start;
        List<String> shown = readme.subList(start, end).stream().map(String::strip)
                .filter(line -> !line.startsWith("import ") && !line.isEmpty()).toList();

        assertThat(shown).isEqualTo(tested);
    }
}
