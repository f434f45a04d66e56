package org.cohort.testtools.send;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.cohort.api.cluster.ClusterMember;
import org.cohort.api.cluster.ClusterService;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.cluster.NodeState;
import org.cohort.api.messaging.ClusterCommunicationService;
import org.cohort.api.messaging.SendResult;
import org.cohort.api.serialization.SerializationException;
import org.cohort.testtools.message.LoadCodec;
import org.cohort.testtools.message.LoadMessage;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.reconcile.ReportArchive;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Sends LoadMessages through {@link ClusterCommunicationService}, numbering each lane: per receiving
 * node for unicasts and requests, once for all for broadcasts (see {@link LoadMessage}).
 *
 * <p>A number is used only by a message that left: a unicast the service refuses gives its number back,
 * so a receiver's gap always means a message lost after it was accepted. A {@link #deliver} always uses
 * its number and keeps what its future said ({@link #report()}), so that a receiver's missing number is
 * explained (failed back, with the exception's type) or not. Requests and broadcasts cannot be
 * taken back (a refused request fails its future later, and a broadcast does not say which nodes it
 * reached), so their receivers may see gaps when sends fail. Each lane is sent under its own lock, so
 * its numbers are queued in order even when several threads send on it.
 *
 * <p>Every activation picks a new random epoch: a receiver then starts the lanes of this run afresh
 * instead of taking the new numbers for duplicates.
 */
@Component(service = LaneSender.class, immediate = true)
public class LaneSender {

    /**
     * What became of one unicast or broadcast.
     *
     * @param lane the lane
     * @param seq the message's number, 0 when refused (a refused message uses no number)
     * @param bytes the serialized message's size, 0 when it could not be serialized
     * @param to the receiving node, or for a broadcast the members that were ACTIVE when it was sent
     * @param refusal why it was not sent, or null when it was
     * @param detail the refusal in words, or null
     */
    public record Outcome(String lane, long seq, int bytes, List<NodeId> to, Refusal refusal, String detail) {

        /** @return whether the message was handed to Cohort */
        public boolean sent() {
            return refusal == null;
        }
    }

    /**
     * A request on its way.
     *
     * @param seq its number in its lane
     * @param bytes the serialized request's size
     * @param reply completes with the reply, checked to answer this very request; fails with a
     *     MessagingException from Cohort, a SerializationException for a reply that is not an
     *     LoadMessage, or a {@link MismatchedReplyException}
     */
    public record Request(long seq, int bytes, CompletableFuture<LoadMessage> reply) {
    }

    /**
     * A one-way message sent through {@code deliver}, its number used whatever becomes of it.
     *
     * @param seq its number in its lane
     * @param bytes the serialized message's size
     * @param outcome completes when the receiver accepted it for its subscriber, or fails with why not
     */
    public record Delivery(long seq, int bytes, CompletableFuture<Void> outcome) {
    }

    /** The next number of one lane, guarded by its own monitor, and what became of the numbers used. */
    private static final class Lane {
        final SentLane outcomes;
        long next = 1;

        Lane(String lane, String to) {
            outcomes = new SentLane(lane, to);
        }
    }

    /** The most lanes numbered (lane and receiving node); callers send to members only, so a few. */
    static final int MAX_LANES = 4096;

    private final ClusterCommunicationService messaging;
    private final ClusterService cluster;
    private final LoadCodec codec;
    private final long epoch = ThreadLocalRandom.current().nextLong();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    @Activate
    public LaneSender(@Reference(name = "messaging") ClusterCommunicationService messaging,
            @Reference(name = "cluster") ClusterService cluster,
            @Reference(name = "codec") LoadCodec codec) {
        this.messaging = messaging;
        this.cluster = cluster;
        this.codec = codec;
    }

    /** @return this run's epoch */
    public long epoch() {
        return epoch;
    }

    /** @return this node's id */
    public NodeId localId() {
        return cluster.localMember().id();
    }

    /** @return every member but this node, ACTIVE or not, in id order */
    public List<NodeId> otherMembers() {
        return cluster.members().stream().filter(member -> !member.isLocal()).map(ClusterMember::id).toList();
    }

    /** @return the members but this node that are ACTIVE now, in id order */
    public List<NodeId> activeOtherMembers() {
        return cluster.members().stream().filter(member -> !member.isLocal() && member.state() == NodeState.ACTIVE)
                .map(ClusterMember::id).toList();
    }

    /**
     * Sends one message one way to one node, on subject {@value LoadSubjects#MESSAGE}.
     *
     * @param lane the lane, numbered per receiving node
     * @param to the receiving node (this node too)
     * @param text the text
     * @param padding filler, or null
     * @return what happened
     * @throws IllegalArgumentException if the text is too long
     */
    public Outcome unicast(String lane, NodeId to, String text, byte[] padding) {
        Lane counter = lane(lane, to.id());
        synchronized (counter) {
            long seq = counter.next;
            byte[] bytes;
            try {
                bytes = codec.encode(message(lane, seq, text, padding));
            } catch (SerializationException e) {
                return new Outcome(lane, 0, 0, List.of(to), Refusal.NOT_SERIALIZABLE, e.getMessage());
            }
            SendResult result = messaging.trySend(LoadSubjects.MESSAGE_SUBJECT, bytes, to);
            if (!result.accepted()) {
                Refusal refusal = Refusal.of(result);
                return new Outcome(lane, 0, bytes.length, List.of(to), refusal, refusal.describe(to));
            }
            counter.outcomes.accepted(seq);
            counter.next++;
            return new Outcome(lane, seq, bytes.length, List.of(to), null, null);
        }
    }

    /**
     * Sends one message one way to one node through {@code deliver}, on subject {@value LoadSubjects#MESSAGE}:
     * unlike {@link #unicast}, every message uses its number, and what its future says is kept
     * ({@link #report()}), so that a receiver's missing number is explained or not.
     *
     * @param lane the lane, numbered per receiving node
     * @param to the receiving node
     * @param text the text
     * @param padding filler, or null
     * @return the delivery, or empty if it could not be serialized (it then used no number)
     * @throws IllegalArgumentException if the text is too long
     */
    public Optional<Delivery> deliver(String lane, NodeId to, String text, byte[] padding) {
        Lane counter = lane(lane, to.id());
        synchronized (counter) {
            long seq = counter.next;
            byte[] bytes;
            try {
                bytes = codec.encode(message(lane, seq, text, padding));
            } catch (SerializationException e) {
                return Optional.empty();
            }
            counter.outcomes.pending(seq);
            counter.next++;
            CompletableFuture<Void> outcome = messaging.deliver(LoadSubjects.MESSAGE_SUBJECT, bytes, to);
            boolean atOnce = outcome.isDone();
            outcome.whenComplete((ok, error) -> counter.outcomes.completed(seq, error, atOnce));
            return Optional.of(new Delivery(seq, bytes.length, outcome));
        }
    }

    /**
     * Sends one message one way to every other ACTIVE member, on subject {@value LoadSubjects#MESSAGE}.
     *
     * @param lane the lane, numbered once for all receivers
     * @param text the text
     * @param padding filler, or null
     * @return what happened; {@code to} lists the members ACTIVE when it was sent
     * @throws IllegalArgumentException if the text is too long
     */
    public Outcome broadcast(String lane, String text, byte[] padding) {
        Lane counter = lane(lane, "*");
        synchronized (counter) {
            List<NodeId> recipients = activeOtherMembers();
            if (recipients.isEmpty()) {
                return new Outcome(lane, 0, 0, recipients, Refusal.NO_ACTIVE_MEMBER, "no other member is ACTIVE");
            }
            long seq = counter.next;
            byte[] bytes;
            try {
                bytes = codec.encode(message(lane, seq, text, padding));
            } catch (SerializationException e) {
                return new Outcome(lane, 0, 0, recipients, Refusal.NOT_SERIALIZABLE, e.getMessage());
            }
            messaging.broadcast(LoadSubjects.MESSAGE_SUBJECT, bytes);
            counter.next++;
            return new Outcome(lane, seq, bytes.length, recipients, null, null);
        }
    }

    /**
     * Sends one request to one node on subject {@value LoadSubjects#ECHO}; its reply must carry this
     * run's epoch and the request's number, from that node.
     *
     * @param lane the lane, numbered per receiving node
     * @param to the receiving node
     * @param text the text
     * @param padding filler, or null
     * @param timeout how long to wait for the reply; positive
     * @return the request, or empty if it could not be serialized (it then used no number)
     * @throws IllegalArgumentException if the text is too long or the timeout not positive
     */
    public Optional<Request> request(String lane, NodeId to, String text, byte[] padding, Duration timeout) {
        Lane counter = lane(lane, to.id());
        synchronized (counter) {
            long seq = counter.next;
            byte[] bytes;
            try {
                bytes = codec.encode(message(lane, seq, text, padding));
            } catch (SerializationException e) {
                return Optional.empty();
            }
            CompletableFuture<byte[]> reply = messaging.sendAndReceive(LoadSubjects.ECHO_SUBJECT, bytes, to,
                    timeout);
            counter.next++;
            return Optional.of(new Request(seq, bytes.length, reply.thenApply(codec::decode)
                    .thenApply(answer -> checked(answer, to, seq))));
        }
    }

    private LoadMessage checked(LoadMessage reply, NodeId from, long seq) {
        if (!reply.origin().equals(from.id()) || reply.epoch() != epoch || reply.seq() != seq
                || !reply.lane().equals(LoadSubjects.LANE_ECHO_REPLY)) {
            throw new MismatchedReplyException("expected the reply to request " + seq + " from " + from
                    + ", got " + reply);
        }
        return reply;
    }

    /**
     * What became of every numbered message of every unicast lane this run sent on: the sender's half of
     * the reconciliation ({@code example:sent --json}).
     *
     * @return node, epoch (hex, as the receivers' ledgers show it) and one row per lane
     */
    public Map<String, Object> report() {
        return SentLane.report(localId().id(), epoch, lanes.entrySet().stream()
                .filter(entry -> !entry.getKey().endsWith(">*")).sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getValue().outcomes).toList());
    }

    /** Keeps the final report in the node's data folder, for a reconciliation across a restart. */
    @Deactivate
    void deactivate() {
        ReportArchive.write("sent", report());
    }

    private LoadMessage message(String lane, long seq, String text, byte[] padding) {
        return new LoadMessage(localId().id(), epoch, lane, seq, System.currentTimeMillis(), System.nanoTime(),
                text, padding);
    }

    private Lane lane(String lane, String to) {
        String key = lane + ">" + to;
        Lane counter = lanes.get(key);
        if (counter != null) {
            return counter;
        }
        if (lanes.size() >= MAX_LANES) {
            throw new IllegalStateException("this sender numbers " + MAX_LANES + " lanes already; refused " + key);
        }
        return lanes.computeIfAbsent(key, k -> new Lane(lane, to));
    }
}
