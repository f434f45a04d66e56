package org.cohort.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.api.messaging.Subscription;
import org.cohort.api.serialization.SerializationService;
import org.cohort.api.serialization.TypeRegistration;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.annotations.Reference;

/**
 * README's snippets for sibling bundles, as written there, in a class that compiles: if the API changes
 * under them, this stops compiling and README gets fixed with it. The payload snippet also runs, on
 * core's real serialization.
 */
class ReadmeSnippetsTest {

    // ---- README: "For sibling bundles: messaging and membership" ----

    // A subject is a dotted name that every node's bundle uses alike.
    static final MessageSubject SUBJECT = MessageSubject.of("acme.flows");

    @Reference ClusterCommunicationService messaging;   // org.cohort.api.messaging
    @Reference ClusterService cluster;                  // org.cohort.api.cluster

    private final Executor executor = Runnable::run;

    @SuppressWarnings("unused")
    void messagingSnippet(NodeId nodeId, byte[] bytes) {
        messaging.unicast(SUBJECT, bytes, nodeId);                      // true once queued on the node's stream
        messaging.broadcast(SUBJECT, bytes);                            // every other member
        messaging.sendAndReceive(SUBJECT, bytes, nodeId, Duration.ofSeconds(2))
                 .whenComplete((reply, error) -> log(reply, error));    // error: NoRemoteHandlerException,
                                                                        // RemoteHandlerFailureException, ...
        Subscription s = messaging.addSubscriber(SUBJECT,
                request -> new String(request, UTF_8),                  // decoder, on your executor
                text -> "got " + text,                                  // handler: its result is the reply
                reply -> reply.getBytes(UTF_8),                         // reply encoder
                executor);                                              // yours; close s to unsubscribe
        messaging.addSubscriberWithSender(MessageSubject.of("acme.stats"), // with the sender's NodeId
                payload -> new String(payload, UTF_8),
                (from, text) -> log(from, text), executor);
        cluster.addListener(event -> log(event), true);   // the members now first, then ACTIVATED / DEACTIVATED
    }

    // ---- README: "For sibling bundles: payload types" ----

    record FlowRule(String id, List<String> matches, Map<String, Integer> actions) {
        FlowRule {                                                // the usual defensive copies are fine
            matches = List.copyOf(matches);
            actions = Map.copyOf(actions);
        }
    }

    @Reference SerializationService serialization;             // org.cohort.api.serialization

    FlowRule payloadSnippet(FlowRule rule) {
        TypeRegistration reg = serialization.register(1200, FlowRule.class); // ids 1000..65535 are yours
        byte[] bytes = serialization.serialize(rule);
        FlowRule back = serialization.deserialize(bytes, FlowRule.class);
        reg.close();
        return back;
    }

    boolean typedUnicastSnippet(FlowRule rule, NodeId nodeId) {
        return messaging.unicast(SUBJECT, rule, serialization::serialize, nodeId);  // typed, as a one-liner
    }

    // ---- running the payload snippet ----

    private final OwnedSerializationService coreSerialization = new OwnedSerializationService(
            new KryoSerialization(), "README", ReadmeSnippetsTest.class.getClassLoader()::loadClass);

    @AfterEach
    void close() {
        coreSerialization.close();
    }

    @Test
    void thePayloadSnippetRoundTripsARecordWithDefensiveCopies() {
        serialization = coreSerialization;
        FlowRule rule = new FlowRule("r1", new ArrayList<>(List.of("ip", "tcp/80")), new HashMap<>(Map.of("drop", 1)));

        FlowRule back = payloadSnippet(rule);

        assertThat(back).isEqualTo(rule).isNotSameAs(rule);
        assertThatThrownBy(() -> back.matches().add("udp")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(SUBJECT.toString()).isEqualTo("acme.flows");
    }

    private static void log(Object... what) {
        // The snippets' stand-in for the caller's own logging.
    }
}
