package org.cohort.testtools.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.cohort.testtools.receive.ReceiveLedger;
import org.cohort.testtools.receive.StallGate;
import org.cohort.shell.CommandJson;
import org.junit.jupiter.api.Test;

/** What the test tools' example: commands print with --json parses back, with the fields scripts and the fault suite read. */
class CommandOutputJsonTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(Object result) {
        return (Map<String, Object>) CommandJson.read(CommandJson.write(result));
    }

    @Test
    @SuppressWarnings("unchecked")
    void receivedParsesWithItsFields() {
        ReceivedCommand received = new ReceivedCommand();
        received.ledger = new ReceiveLedger();

        Map<String, Object> parsed = parse(received.compute());

        assertThat(parsed.keySet()).containsExactly("node", "reset", "totals", "senders", "lanes", "last", "seqs");
        assertThat((Map<String, Object>) parsed.get("totals")).containsEntry("received", 0L)
                .containsEntry("gaps", 0L);
    }

    @Test
    void stallParsesWithItsFields() {
        StallCommand stall = new StallCommand();
        stall.gate = new StallGate();

        assertThat(parse(stall.compute())).containsEntry("stalled", false).containsKeys("remainingMs", "stalls",
                "heldMessages", "longestHoldMs");
    }
}
