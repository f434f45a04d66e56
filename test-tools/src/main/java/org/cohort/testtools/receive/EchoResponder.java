package org.cohort.testtools.receive;

import org.cohort.api.cluster.ClusterService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.serialization.SerializationException;
import org.cohort.testtools.message.LoadCodec;
import org.cohort.testtools.message.LoadMessage;
import org.cohort.testtools.message.LoadSubjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@value LoadSubjects#ECHO} requests, as a whiteboard {@link MessageHandler} (the value it
 * returns is the reply). Each request is counted like a one-way message, and answered with a small
 * LoadMessage from this node on lane {@value LoadSubjects#LANE_ECHO_REPLY} that carries the
 * request's epoch, number and text, without its padding, so that the requester can tell which request a
 * reply answers. A payload that is not a LoadMessage fails the request (the requester gets a
 * RemoteHandlerFailureException).
 */
@Component(service = MessageHandler.class, immediate = true,
        property = MessageHandler.SUBJECT_PROPERTY + "=" + LoadSubjects.ECHO)
public class EchoResponder implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EchoResponder.class);

    private final LoadCodec codec;
    private final ReceiveLedger ledger;
    private final ClusterService cluster;
    private final StallGate stall;
    private final WarningThrottle warnings = new WarningThrottle();

    @Activate
    public EchoResponder(@Reference(name = "codec") LoadCodec codec,
            @Reference(name = "ledger") ReceiveLedger ledger,
            @Reference(name = "cluster") ClusterService cluster, @Reference(name = "stall") StallGate stall) {
        this.codec = codec;
        this.ledger = ledger;
        this.cluster = cluster;
        this.stall = stall;
    }

    @Override
    public byte[] handle(byte[] payload) {
        stall.pass();
        LoadMessage request;
        try {
            request = codec.decode(payload);
        } catch (SerializationException e) {
            ledger.undecodable();
            if (warnings.tryAcquire(System.nanoTime())) {
                LOG.warn("Refused a {}-byte request on {} that is not a LoadMessage (counted in "
                        + "example:received; this warning repeats at most once a minute): {}", payload.length,
                        LoadSubjects.ECHO, e.getMessage());
            }
            throw e;
        }
        ledger.record(LoadSubjects.ECHO, request, System.currentTimeMillis());
        return codec.encode(reply(request, cluster.localMember().id().id(), System.currentTimeMillis(),
                System.nanoTime()));
    }

    /** The reply to a request, from the given node. */
    static LoadMessage reply(LoadMessage request, String from, long nowMillis, long nowNanos) {
        return new LoadMessage(from, request.epoch(), LoadSubjects.LANE_ECHO_REPLY, request.seq(), nowMillis,
                nowNanos, request.text(), null);
    }

    @Override
    public String toString() {
        return "test-tools echo responder of " + LoadSubjects.ECHO;
    }
}
