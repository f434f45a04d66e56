package org.cohort.testtools.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessagingException;
import org.cohort.api.messaging.MessagingTimeoutException;
import org.cohort.api.messaging.NoRemoteHandlerException;
import org.cohort.api.messaging.NodeUnreachableException;
import org.cohort.api.messaging.PeerOverloadedException;
import org.cohort.api.messaging.RemoteHandlerFailureException;
import org.cohort.api.messaging.StreamClosedException;
import org.cohort.api.serialization.SerializationException;
import org.cohort.testtools.load.LoadRun.Failure;
import org.cohort.testtools.load.LoadSettings.Mode;
import org.cohort.testtools.message.LoadMessage;
import org.cohort.testtools.send.LaneSender;
import org.cohort.testtools.send.Refusal;
import org.cohort.shell.CommandJson;
import org.junit.jupiter.api.Test;

/** Runs loads synchronously on a fake clock: waiting advances it, so no test sleeps. */
class LoadRunTest {

    private static final NodeId N2 = NodeId.of("node-2");
    private static final NodeId N3 = NodeId.of("node-3");
    private static final Clock WALL = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    /** Monotonic fake time; each send may cost some. */
    private long now = 1_000_000_000L;
    private long costPerSendNanos;
    private final List<Long> sendTimes = new ArrayList<>();

    /** A sender that records when it was called and answers as told. */
    private final class FakeSender implements LoadSender {
        Function<NodeId, LaneSender.Outcome> unicast = to -> sent(to);
        Function<NodeId, Optional<LaneSender.Request>> request =
                to -> Optional.of(new LaneSender.Request(1, 10, CompletableFuture.completedFuture(reply())));
        Function<NodeId, Optional<LaneSender.Delivery>> deliver =
                to -> Optional.of(new LaneSender.Delivery(1, 10, CompletableFuture.completedFuture(null)));
        final List<NodeId> to = new ArrayList<>();

        @Override
        public LaneSender.Outcome unicast(NodeId node, String text, byte[] padding) {
            tick(node);
            return unicast.apply(node);
        }

        @Override
        public LaneSender.Outcome broadcast(String text, byte[] padding) {
            tick(null);
            return new LaneSender.Outcome("load-broadcast", 1, 10 + (padding == null ? 0 : padding.length),
                    List.of(N2, N3), null, null);
        }

        @Override
        public Optional<LaneSender.Request> request(NodeId node, String text, byte[] padding, Duration timeout) {
            tick(node);
            return request.apply(node);
        }

        @Override
        public Optional<LaneSender.Delivery> deliver(NodeId node, String text, byte[] padding) {
            tick(node);
            return deliver.apply(node);
        }

        private void tick(NodeId node) {
            sendTimes.add(now);
            to.add(node);
            now += costPerSendNanos;
        }
    }

    private static LaneSender.Outcome sent(NodeId to) {
        return new LaneSender.Outcome("load-unicast", 1, 10, List.of(to), null, null);
    }

    private static LoadMessage reply() {
        return new LoadMessage("node-2", 1, "echo-reply", 1, 0, 0, "load", null);
    }

    private LoadRun run(LoadSettings settings, LoadSender sender) {
        LoadRun run = new LoadRun(settings, sender, () -> now, nanos -> now += nanos, WALL);
        run.run();
        return run;
    }

    private static LoadSettings settings(Mode mode, int rate, int seconds, NodeId... targets) {
        return new LoadSettings(mode, rate, seconds, 0, Duration.ofMillis(500), List.of(targets));
    }

    @Test
    void aUnicastLoadSendsAtItsRateToTheTargetsInTurn() {
        FakeSender sender = new FakeSender();
        long start = now;

        LoadRun run = run(settings(Mode.UNICAST, 100, 2, N2, N3), sender);

        Map<String, Object> figures = run.figures();
        assertThat(run.state()).isEqualTo(LoadRun.State.FINISHED);
        assertThat(figures).containsEntry("planned", 200L).containsEntry("sent", 200L).containsEntry("refused", 0L)
                .containsEntry("unsent", 0L).containsEntry("running", false)
                .containsEntry("sentByNode", Map.of("node-2", 100L, "node-3", 100L))
                .containsEntry("startedAt", "2025-01-01T00:00:00Z");
        assertThat(sender.to.subList(0, 4)).containsExactly(N2, N3, N2, N3);
        // Message i leaves at start + i * 10 ms, not earlier.
        for (int i = 0; i < sendTimes.size(); i++) {
            assertThat(sendTimes.get(i) - start).isGreaterThanOrEqualTo(i * 10_000_000L).isLessThan(i * 10_000_000L
                    + LoadRun.MAX_PARK_NANOS + 1);
        }
        assertThat(figures.get("elapsedMs")).isEqualTo(1990L);
        assertThat(figures.get("sentPerSecond")).isEqualTo(Math.round(200 * 1e9 / 1_990_000_000L));
    }

    @Test
    void refusalsAreCountedByReason() {
        FakeSender sender = new FakeSender();
        sender.unicast = to -> to.equals(N3)
                ? new LaneSender.Outcome("load-unicast", 0, 10, List.of(to), Refusal.NO_STREAM, "x")
                : sent(to);

        Map<String, Object> figures = run(settings(Mode.UNICAST, 10, 1, N2, N3), sender).figures();

        assertThat(figures).containsEntry("sent", 5L).containsEntry("refused", 5L)
                .containsEntry("refusedByReason", Map.of("NO_STREAM", 5L))
                .containsEntry("sentByNode", Map.of("node-2", 5L, "node-3", 0L));
    }

    @Test
    void aDeliverLoadCountsEveryOutcomeByItsExceptionsType() {
        FakeSender sender = new FakeSender();
        sender.deliver = to -> Optional.of(new LaneSender.Delivery(1, 10, to.equals(N3)
                ? CompletableFuture.failedFuture(new CompletionException(new NodeUnreachableException("gone")))
                : CompletableFuture.completedFuture(null)));

        Map<String, Object> figures = run(settings(Mode.DELIVER, 10, 1, N2, N3), sender).figures();

        assertThat(figures).containsEntry("sent", 10L).containsEntry("confirmed", 5L).containsEntry("failures", 5L)
                .containsEntry("failedAtOnce", 5L).containsEntry("pending", 0)
                .containsEntry("failuresByType", Map.of("NodeUnreachableException", 5L));
    }

    @Test
    void aBroadcastLoadCountsItsRecipients() {
        Map<String, Object> figures = run(settings(Mode.BROADCAST, 10, 1), new FakeSender()).figures();
        assertThat(figures).containsEntry("sent", 10L).containsEntry("recipients", 20L)
                .doesNotContainKey("sentByNode").doesNotContainKey("replies");
    }

    @Test
    void aSlowSenderEndsAtTheDeadlineWithTheRestUnsent() {
        costPerSendNanos = TimeUnit.MILLISECONDS.toNanos(100); // 10/s at most, asked for 100/s
        long start = now;

        LoadRun run = run(settings(Mode.UNICAST, 100, 3, N2), new FakeSender());

        Map<String, Object> figures = run.figures();
        assertThat(run.state()).isEqualTo(LoadRun.State.FINISHED);
        assertThat((Long) figures.get("sent")).isBetween(39L, 41L); // 3 s + 1 s grace at 100 ms each
        assertThat((Long) figures.get("unsent")).isEqualTo(300L - (Long) figures.get("sent"));
        assertThat((String) figures.get("endReason")).startsWith("time up");
        assertThat(now - start).isLessThanOrEqualTo(TimeUnit.SECONDS.toNanos(4) + costPerSendNanos);
    }

    @Test
    void aStopEndsItEarly() {
        FakeSender sender = new FakeSender();
        LoadRun[] holder = new LoadRun[1];
        sender.unicast = to -> {
            if (sender.to.size() == 25) {
                holder[0].stop();
            }
            return sent(to);
        };
        holder[0] = new LoadRun(settings(Mode.UNICAST, 100, 10, N2), sender, () -> now, nanos -> now += nanos, WALL);

        holder[0].run();

        assertThat(holder[0].state()).isEqualTo(LoadRun.State.STOPPED);
        assertThat(holder[0].figures()).containsEntry("sent", 25L).containsEntry("unsent", 975L)
                .containsEntry("endReason", "stopped");
    }

    @Test
    void requestOutcomesAreCountedByTypeWithTheirRoundTrips() {
        FakeSender sender = new FakeSender();
        List<RuntimeException> failures = List.of(new MessagingTimeoutException("t"),
                new PeerOverloadedException("o"), new NoRemoteHandlerException("n"), new NodeUnreachableException("u"),
                new StreamClosedException("s"), new RemoteHandlerFailureException("r"),
                new SerializationException("bad reply"), new MessagingException("stopped"));
        int[] calls = {0};
        sender.request = to -> {
            int call = calls[0]++;
            CompletableFuture<LoadMessage> reply = new CompletableFuture<>();
            if (call < failures.size()) {
                reply.completeExceptionally(failures.get(call));
            } else {
                now += 2_000_000; // a 2 ms round trip
                reply.complete(reply());
            }
            return Optional.of(new LaneSender.Request(call + 1, 10, reply));
        };

        Map<String, Object> figures = run(settings(Mode.REQUEST, 100, 1, N2), sender).figures();

        assertThat(figures).containsEntry("sent", 100L).containsEntry("replies", 92L).containsEntry("failures", 8L)
                .containsEntry("inFlight", 0L).containsEntry("timeoutMs", 500L);
        // Replies took 2 ms each on this fake clock, inside the sending time; the rate is the sending rate.
        assertThat((Long) figures.get("sentPerSecond")).isBetween(80L, 101L);
        assertThat(figures.get("failuresByType")).isEqualTo(Map.of("timeout", 1L, "overloaded", 1L, "noHandler", 1L,
                "unreachable", 1L, "streamClosed", 1L, "remoteFailure", 1L, "badReply", 1L, "other", 1L));
        assertThat(figures.get("latencyMicros")).isEqualTo(Map.of("count", 92L, "min", 2000L, "avg", 2000L,
                "p50", 2000L, "p99", 2000L, "max", 2000L));
        // What example:load-status --json prints parses back, the same figures under the same names.
        Map<?, ?> parsed = (Map<?, ?>) CommandJson.read(CommandJson.write(figures));
        assertThat(List.copyOf(parsed.keySet())).isEqualTo(List.copyOf(figures.keySet()));
        assertThat(parsed.get("latencyMicros")).isEqualTo(figures.get("latencyMicros"));
    }

    @Test
    void requestsWaitingForRepliesAreBounded() {
        FakeSender sender = new FakeSender();
        sender.request = to -> Optional.of(new LaneSender.Request(1, 10, new CompletableFuture<>())); // never

        // 1 ms timeout: the run then waits only about a second for replies that never come.
        LoadRun run = run(new LoadSettings(Mode.REQUEST, 15_000, 1, 0, Duration.ofMillis(1), List.of(N2)), sender);

        Map<String, Object> figures = run.figures();
        assertThat(figures).containsEntry("sent", (long) LoadRun.MAX_IN_FLIGHT)
                .containsEntry("skippedInFlightLimit", 15_000L - LoadRun.MAX_IN_FLIGHT)
                .containsEntry("inFlight", (long) LoadRun.MAX_IN_FLIGHT);
        assertThat((String) figures.get("endReason")).contains("replies still out");
    }

    @Test
    void pendingRequestsShowTheirOldestAgeAndALateCompletionIsCounted() {
        FakeSender sender = new FakeSender();
        List<CompletableFuture<LoadMessage>> replies = new ArrayList<>();
        sender.request = to -> {
            CompletableFuture<LoadMessage> reply = new CompletableFuture<>();
            replies.add(reply);
            return Optional.of(new LaneSender.Request(replies.size(), 10, reply));
        };
        LoadRun run = run(new LoadSettings(Mode.REQUEST, 10, 1, 0, Duration.ofMillis(100), List.of(N2)), sender);

        now += TimeUnit.SECONDS.toNanos(2); // no reply for two seconds
        Map<String, Object> waiting = run.figures();
        assertThat(waiting).containsEntry("pending", 10).containsEntry("late", 0L);
        assertThat((Long) waiting.get("oldestPendingMs")).isGreaterThanOrEqualTo(2_000L);

        replies.get(0).complete(reply()); // far beyond 100 ms + the margin: late
        replies.subList(1, 10).forEach(reply -> reply.completeExceptionally(new MessagingTimeoutException("t")));
        Map<String, Object> done = run.figures();
        assertThat(done).containsEntry("pending", 0).containsEntry("oldestPendingMs", 0L).containsEntry("late", 10L);
        assertThat((Long) done.get("slowestCompletionMs")).isGreaterThanOrEqualTo(2_000L);
    }

    @Test
    void theLoadThreadReportsHowLateItWokeUp() {
        // Every wait oversleeps by 5 ms, as on a starved host.
        LoadRun run = new LoadRun(settings(Mode.UNICAST, 10, 1, N2), new FakeSender(), () -> now,
                nanos -> now += nanos + 5_000_000, WALL);
        run.run();
        assertThat(run.figures()).containsEntry("maxSchedulingDelayMs", 5L);
    }

    @Test
    void requestsCompletedInTimeAreNotLate() {
        Map<String, Object> figures = run(settings(Mode.REQUEST, 100, 1, N2), new FakeSender()).figures();
        assertThat(figures).containsEntry("pending", 0).containsEntry("late", 0L).containsEntry("lateMarginMs",
                LoadRun.LATE_MARGIN_MILLIS);
    }

    @Test
    void aRequestThatCannotBeSerializedIsRefused() {
        FakeSender sender = new FakeSender();
        sender.request = to -> Optional.empty();
        Map<String, Object> figures = run(settings(Mode.REQUEST, 10, 1, N2), sender).figures();
        assertThat(figures).containsEntry("sent", 0L).containsEntry("refused", 10L)
                .containsEntry("refusedByReason", Map.of("NOT_SERIALIZABLE", 10L));
    }

    @Test
    void anUnexpectedErrorEndsTheLoadAsFailed() {
        FakeSender sender = new FakeSender();
        sender.unicast = to -> {
            throw new IllegalStateException("boom");
        };
        LoadRun run = run(settings(Mode.UNICAST, 10, 1, N2), sender);
        assertThat(run.state()).isEqualTo(LoadRun.State.FAILED);
        assertThat((String) run.figures().get("endReason")).contains("boom");
    }

    @Test
    void failuresAreClassifiedThroughCompletionWrappers() {
        assertThat(Failure.of(new CompletionException(new MessagingTimeoutException("t")))).isEqualTo(Failure.TIMEOUT);
        assertThat(Failure.of(new CompletionException(new IllegalStateException("x")))).isEqualTo(Failure.OTHER);
        assertThat(Failure.of(new CompletionException(null))).isEqualTo(Failure.OTHER);
    }

    @Test
    void settingsAreCheckedAgainstTheCaps() {
        assertThat(settings(Mode.UNICAST, LoadSettings.MAX_RATE, LoadSettings.MAX_DURATION_SECONDS, N2).planned())
                .isEqualTo(360_000_000L);
        assertThatThrownBy(() -> settings(Mode.UNICAST, 0, 1, N2)).hasMessageContaining("rate");
        assertThatThrownBy(() -> settings(Mode.UNICAST, LoadSettings.MAX_RATE + 1, 1, N2)).hasMessageContaining("rate");
        assertThatThrownBy(() -> settings(Mode.UNICAST, 1, LoadSettings.MAX_DURATION_SECONDS + 1, N2))
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> new LoadSettings(Mode.UNICAST, 1, 1, LoadSettings.MAX_SIZE_BYTES + 1,
                Duration.ofSeconds(1), List.of(N2))).hasMessageContaining("size");
        assertThatThrownBy(() -> new LoadSettings(Mode.REQUEST, 1, 1, 0, Duration.ZERO, List.of(N2)))
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> settings(Mode.BROADCAST, 1, 1, N2)).hasMessageContaining("name no node");
        assertThatThrownBy(() -> settings(Mode.REQUEST, 1, 1)).hasMessageContaining("at least one node");
        assertThatThrownBy(() -> Mode.parse("multicast")).hasMessageContaining("unicast, broadcast, request or deliver");
        assertThat(Mode.parse("request")).isEqualTo(Mode.REQUEST);
    }
}
