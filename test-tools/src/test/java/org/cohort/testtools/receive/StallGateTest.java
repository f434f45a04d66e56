package org.cohort.testtools.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StallGateTest {

    private final StallGate gate = new StallGate();

    @Test
    void withoutAStallAHandlerPassesAtOnce() {
        gate.pass();
        assertThat(gate.figures()).containsEntry("stalled", false).containsEntry("heldMessages", 0L);
    }

    @Test
    void aStallHoldsHandlersUntilReleased() {
        gate.stall(Duration.ofSeconds(30));
        CompletableFuture<Void> handler = CompletableFuture.runAsync(gate::pass);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !handler.isDone());
        assertThat(gate.figures()).containsEntry("stalled", true).containsEntry("stalls", 1L);

        gate.release();

        await().atMost(Duration.ofSeconds(5)).until(handler::isDone);
        assertThat(gate.figures()).containsEntry("stalled", false).containsEntry("heldMessages", 1L);
        assertThat((Long) gate.figures().get("longestHoldMs")).isGreaterThanOrEqualTo(200L);
    }

    @Test
    void deactivationLetsHeldHandlersGo() {
        gate.stall(Duration.ofSeconds(30));
        CompletableFuture<Void> handler = CompletableFuture.runAsync(gate::pass);
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> !handler.isDone());
        gate.close();
        await().atMost(Duration.ofSeconds(5)).until(handler::isDone);
    }

    @Test
    void aStallLastsOneToThreeHundredSeconds() {
        assertThatThrownBy(() -> gate.stall(Duration.ofMillis(500))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gate.stall(Duration.ofSeconds(301))).isInstanceOf(IllegalArgumentException.class);
    }
}
