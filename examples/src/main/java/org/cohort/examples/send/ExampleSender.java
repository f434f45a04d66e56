package org.cohort.examples.send;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.SendResult;
import org.cohort.examples.message.ExampleCodec;
import org.cohort.examples.message.ExampleMessage;
import org.cohort.examples.message.ExampleSubjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Sends ExampleMessages the three ways Cohort offers: one way to one node (saying why Cohort refused
 * one, by its {@link SendResult}), one way to every other ACTIVE member, and as a request that gets a
 * reply. Each message gets the next number of this sender
 * run, so that a receiver's log shows the order.
 *
 * <p>The sending calls never block: a one-way send is queued (or refused at once), a request returns a
 * future. DS starts this component only when its three references are there, and stops it when one goes.
 */
@Component(service = ExampleSender.class)
public class ExampleSender {

    /**
     * A message handed to Cohort.
     *
     * @param seq its number
     * @param bytes its size once serialized
     */
    public record Sent(long seq, int bytes) {
    }

    private final ClusterCommunicationService messaging;
    private final ClusterService cluster;
    private final ExampleCodec codec;
    private final AtomicLong nextSeq = new AtomicLong(1);

    @Activate
    public ExampleSender(@Reference(name = "messaging") ClusterCommunicationService messaging,
            @Reference(name = "cluster") ClusterService cluster, @Reference(name = "codec") ExampleCodec codec) {
        this.messaging = messaging;
        this.cluster = cluster;
        this.codec = codec;
    }

    /**
     * Sends one message one way to one node (this node too), on {@value ExampleSubjects#MESSAGE}.
     *
     * @param to the receiving node
     * @param text the text
     * @return what was sent: Cohort accepted it ({@link SendResult#ACCEPTED})
     * @throws IllegalStateException if Cohort refused it, with the {@link SendResult} and what it means,
     *     such as {@code refused by node-1: NO_STREAM (node-3 is INACTIVE: there is no stream to it)}.
     *     Cohort does not retry.
     */
    public Sent send(NodeId to, String text) {
        long seq = nextSeq.getAndIncrement();
        byte[] payload = codec.encode(message(seq, text));
        SendResult result = messaging.trySend(ExampleSubjects.MESSAGE_SUBJECT, payload, to);
        if (!result.accepted()) {
            throw new IllegalStateException("refused by " + cluster.localMember().id() + ": " + result + " ("
                    + meaning(result, to) + ")");
        }
        return new Sent(seq, payload.length);
    }

    /** What a refusal means, in a sibling's words: the reasons a one-way send can give. */
    private String meaning(SendResult refusal, NodeId to) {
        return switch (refusal) {
            case ACCEPTED -> "accepted";
            case QUEUE_FULL -> "the outbound queue to " + to + " is full: its subscribers have not caught up";
            case RESEND_FULL -> "too many bytes sent to " + to + " wait for its acknowledgement";
            case NO_STREAM -> to + " is " + cluster.member(to).map(member -> member.state().toString())
                    .orElse("not a member") + ": there is no stream to it";
            case UNKNOWN_NODE -> to + " is not a member";
            case TOO_LARGE -> "the message is larger than message.max.bytes";
            case STOPPED -> "Cohort is stopping on this node";
        };
    }

    /**
     * Sends one message one way to every other ACTIVE member, on {@value ExampleSubjects#MESSAGE}.
     * Cohort does not say which nodes a broadcast reached: a member that goes INACTIVE meanwhile misses it.
     *
     * @param text the text
     * @return what was sent
     */
    public Sent broadcast(String text) {
        long seq = nextSeq.getAndIncrement();
        byte[] payload = codec.encode(message(seq, text));
        messaging.broadcast(ExampleSubjects.MESSAGE_SUBJECT, payload);
        return new Sent(seq, payload.length);
    }

    /**
     * Sends a request to one node on {@value ExampleSubjects#ECHO}; its EchoResponder answers.
     *
     * @param to the receiving node
     * @param text the text
     * @param timeout how long to wait for the reply; positive
     * @return the reply; or a future failed with a MessagingException (timeout, node unreachable, no
     *     handler there, the handler failed...) or a SerializationException for a reply that is not an
     *     ExampleMessage. It completes on Cohort's reply thread: do not block in what you chain to it.
     */
    public CompletableFuture<ExampleMessage> request(NodeId to, String text, Duration timeout) {
        ExampleMessage request = message(nextSeq.getAndIncrement(), text);
        // The typed overload encodes on this thread and decodes the reply on arrival.
        return messaging.sendAndReceive(ExampleSubjects.ECHO_SUBJECT, request, codec::encode, codec::decode, to,
                timeout);
    }

    /** @return the members but this node that are ACTIVE now, in id order: who a broadcast goes to */
    public List<NodeId> activeOtherMembers() {
        return cluster.members().stream().filter(member -> !member.isLocal() && member.state() == NodeState.ACTIVE)
                .map(ClusterMember::id).toList();
    }

    private ExampleMessage message(long seq, String text) {
        return new ExampleMessage(cluster.localMember().id().id(), seq, text);
    }
}
