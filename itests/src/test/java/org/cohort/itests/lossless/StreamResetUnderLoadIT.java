package org.cohort.itests.lossless;

import java.util.Map;
import org.cohort.itests.ClusterScript;
import org.cohort.shell.CommandJson;
import org.junit.After;
import org.junit.Test;

/**
 * Issue 16 on a real cluster, in every build: a stall on the receiver and three stream resets under a
 * unicast load lose nothing ({@link ResetsUnderStall}); the resets are {@code cluster:disconnect --reset
 * node-2} on node 1 (SO_LINGER 0: node 2 sees an RST). About 2 minutes, the cluster's start included
 * (115 to 121 s measured on a 2-core host).
 */
public class StreamResetUnderLoadIT {

    private final ClusterScript script = new ClusterScript("lossless-reset-it");

    @After
    public void down() throws Exception {
        script.run("down");
    }

    @Test
    public void aStalledReceiverAndThreeResetStreamsLoseNothingAcceptedAndDuplicateNothing() throws Exception {
        new ResetsUnderStall(script).run("cluster:disconnect --reset", () -> Boolean.TRUE.equals(((Map<?, ?>) CommandJson
                .read(script.cli(1, "cluster:disconnect", "--json", "--reset", "node-2"))).get("closed")));
    }
}
