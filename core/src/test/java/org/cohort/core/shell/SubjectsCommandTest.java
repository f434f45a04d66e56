package org.cohort.core.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.membership.MemberState;
import org.cohort.core.messaging.CommunicationsComponent;
import org.cohort.core.messaging.DispatchCounters;
import org.cohort.core.messaging.SubjectDispatcher;
import org.cohort.core.messaging.SubjectStats;
import org.cohort.core.stats.CohortStats;
import org.cohort.core.transport.PeerStats;
import org.cohort.shell.CommandJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** cluster:subjects on a real dispatcher, with executors the test runs by hand: no threads, no waiting. */
class SubjectsCommandTest {

    private static final NodeId PEER = NodeId.of("node-2");

    /** Holds the tasks handed to it until the test runs them. */
    private static final class HeldExecutor implements Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            List.copyOf(tasks).forEach(Runnable::run);
            tasks.clear();
        }
    }

    private final CommunicationsComponent messaging = new CommunicationsComponent();
    private final HeldExecutor slow = new HeldExecutor();
    private final SubjectsCommand command = new SubjectsCommand();
    private final List<Subscription> subscriptions = new ArrayList<>();

    @BeforeEach
    void subscribe() {
        subscriptions.add(messaging.subscribe(MessageSubject.of("app.slow"), message -> { }, slow));
        subscriptions.add(messaging.subscribe(MessageSubject.of("app.fast"), message -> { }, Runnable::run));
        subscriptions.add(messaging.subscribe(MessageSubject.of("app.broken"), message -> {
            throw new IllegalStateException("handler bug");
        }, Runnable::run));
        subscriptions.add(messaging.subscribe(MessageSubject.of("app.refusing"), message -> { }, task -> {
            throw new RejectedExecutionException("shut down");
        }));
        command.stats = new SubjectsOnly(messaging);
    }

    /** Only the subjects of CohortStats, which is all cluster:subjects reads. */
    private record SubjectsOnly(CommunicationsComponent messaging) implements CohortStats {
        @Override
        public List<SubjectStats> subjects() {
            return messaging.subjects();
        }

        @Override
        public ClusterSettings settings() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long incarnation() {
            throw new UnsupportedOperationException();
        }

        @Override
        public String tlsEngine() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Long> counters() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Long> handshakesRefusedByReason() {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<NodeId, PeerStats> peers() {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<MemberState> members() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<MemberState> member(NodeId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DispatchCounters dispatch() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Duration> lastRoundTrip(NodeId id) {
            throw new UnsupportedOperationException();
        }
    }

    private void dispatch(String subject, int bytes) {
        messaging.dispatch(new ClusterMessage(PEER, MessageSubject.of(subject), new byte[bytes]));
    }

    private String table() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.print(command.result(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsEverySubscribedSubjectWithItsBacklogAndCounters() {
        dispatch("app.slow", 100);
        dispatch("app.slow", 50);
        dispatch("app.slow", 1);
        dispatch("app.fast", 10);
        dispatch("app.fast", 10);
        dispatch("app.broken", 5);
        dispatch("app.refusing", 7);
        dispatch("app.nobody", 3); // no subscriber: counted by the dispatcher, listed nowhere

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) command.result();
        assertThat(rows).extracting(row -> row.get("subject"))
                .containsExactly("app.broken", "app.fast", "app.refusing", "app.slow");
        assertThat(rows.get(3)).containsEntry("queuedMessages", 3).containsEntry("queuedBytes", 151L)
                .containsEntry("delivered", 0L).containsEntry("refused", 0L).containsEntry("failed", 0L)
                .containsEntry("maxQueuedMessages", SubjectDispatcher.DEFAULT_MAX_QUEUED_MESSAGES)
                .containsEntry("maxQueuedBytes", SubjectDispatcher.DEFAULT_MAX_QUEUED_BYTES);
        assertThat(rows.get(1)).containsEntry("queuedMessages", 0).containsEntry("delivered", 2L);
        assertThat(rows.get(0)).containsEntry("failed", 1L).containsEntry("delivered", 0L);
        assertThat(rows.get(2)).containsEntry("refused", 1L).containsEntry("queuedMessages", 0)
                .containsEntry("queuedBytes", 0L);

        slow.runAll();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> after = (List<Map<String, Object>>) command.result();
        assertThat(after.get(3)).containsEntry("queuedMessages", 0).containsEntry("queuedBytes", 0L)
                .containsEntry("delivered", 3L);
    }

    @Test
    void jsonIsOneArrayOfFlatObjects() {
        dispatch("app.slow", 4);
        String json = CommandJson.write(command.result());
        assertThat(json).startsWith("[{\"subject\":\"app.broken\",").endsWith("}]")
                .contains("{\"subject\":\"app.slow\",\"queuedMessages\":1,\"queuedBytes\":4,"
                        + "\"maxQueuedMessages\":10000,\"maxQueuedBytes\":67108864,\"delivered\":0,\"refused\":0,"
                        + "\"failed\":0,\"slowOnIoThread\":0}");
    }

    @Test
    void tableHasOneRowPerSubjectAndExplainsTheBounds() {
        dispatch("app.slow", 100);
        dispatch("app.fast", 1);
        String table = table();
        assertThat(table.lines().filter(line -> line.startsWith("app."))).hasSize(4);
        assertThat(table.lines().filter(line -> line.startsWith("app.slow")).findFirst().orElseThrow())
                .matches("app\\.slow\\s+\\|\\s+1\\s+\\|\\s+100\\s+\\|\\s+0\\s+\\|\\s+0\\s+\\|\\s+0\\s*");
        assertThat(table).contains("SUBJECT").contains("QUEUED BYTES").contains("DELIVERED")
                .contains("once 10000 messages or 67108864 bytes wait");
    }

    @Test
    void aSubjectLeavesTheListWhenItsSubscriptionCloses() {
        subscriptions.remove(0).close();
        assertThat((List<?>) command.result()).hasSize(3);
        subscriptions.forEach(Subscription::close);
        assertThat((List<?>) command.result()).isEmpty();
        assertThat(table()).contains("No subject has a local subscriber.");
    }

    @Test
    void withoutTheClusterIoItSaysSoInOneLine() {
        command.stats = null;
        assertThatThrownBy(command::compute).isInstanceOf(IllegalStateException.class)
                .hasMessage("Cluster I/O is not running: check etc/org.cohort.cluster.cfg and data/log/karaf.log");
    }
}
