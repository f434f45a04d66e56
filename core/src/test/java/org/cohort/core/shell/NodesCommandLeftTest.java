package org.cohort.core.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cohort.core.stats.LiveStats;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** cluster:nodes on a node whose peer stopped: INACTIVE (left) in the table, "left": true in the JSON. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodesCommandLeftTest {

    /** A deadline for real waits on real sockets and threads, generous for a loaded host; no bound asserted. */
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InProcessCluster cluster = new InProcessCluster(2);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPeerThatStoppedShowsAsLeft() {
        cluster.startAll();
        InProcessNode one = cluster.node(1);
        NodesCommand nodes = new NodesCommand();
        nodes.stats = new LiveStats(one.manager, one.membership, one.comms, one.roundTripTimes);

        cluster.stop(2);

        await().atMost(WAIT).until(() -> ((List<Map<String, Object>>) nodes.result()).stream()
                .anyMatch(row -> "n2".equals(row.get("id")) && Boolean.TRUE.equals(row.get("left"))));
        List<Map<String, Object>> rows = (List<Map<String, Object>>) nodes.result();
        assertThat(rows).filteredOn(row -> "n2".equals(row.get("id"))).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("state", "INACTIVE").containsEntry("left", true));
        assertThat(rows).filteredOn(row -> "n1".equals(row.get("id"))).singleElement()
                .satisfies(row -> assertThat(row).containsEntry("state", "ACTIVE").containsEntry("left", false));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        nodes.print(rows, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("INACTIVE (left)");
    }
}
