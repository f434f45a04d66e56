package org.cohort.testtools.receive;

import org.cohort.api.cluster.ClusterService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.serialization.SerializationException;
import org.cohort.testtools.message.ExampleCodec;
import org.cohort.testtools.message.ExampleMessage;
import org.cohort.testtools.message.ExampleSubjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@value ExampleSubjects#ECHO} requests, as a whiteboard {@link MessageHandler} (the value it
 * returns is the reply). Each request is counted like a one-way message, and answered with a small
 * ExampleMessage from this node on lane {@value ExampleSubjects#LANE_ECHO_REPLY} that carries the
 * request's epoch, number and text, without its padding, so that the requester can tell which request a
 * reply answers. A payload that is not an ExampleMessage fails the request (the requester gets a
 * RemoteHandlerFailureException).
 */
@Component(service = MessageHandler.class, immediate = true,
        property = MessageHandler.SUBJECT_PROPERTY + "=" + ExampleSubjects.ECHO)
public class EchoResponder implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(EchoResponder.class);

    private final ExampleCodec codec;
    private final ReceiveLedger ledger;
    private final ClusterService cluster;
    private final StallGate stall;
    private final WarningThrottle warnings = new WarningThrottle();

    @Activate
    public EchoResponder(@Reference(name = "codec") ExampleCodec codec,
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
        ExampleMessage request;
        try {
            request = codec.decode(payload);
        } catch (SerializationException e) {
            ledger.undecodable();
            if (warnings.tryAcquire(System.nanoTime())) {
                LOG.warn("Refused a {}-byte request on {} that is not an ExampleMessage (counted in "
                        + "example:received; this warning repeats at most once a minute): {}", payload.length,
                        ExampleSubjects.ECHO, e.getMessage());
            }
            throw e;
        }
        ledger.record(ExampleSubjects.ECHO, request, System.currentTimeMillis());
        return codec.encode(reply(request, cluster.localMember().id().id(), System.currentTimeMillis(),
                System.nanoTime()));
    }

    /** The reply to a request, from the given node. */
    static ExampleMessage reply(ExampleMessage request, String from, long nowMillis, long nowNanos) {
        return new ExampleMessage(from, request.epoch(), ExampleSubjects.LANE_ECHO_REPLY, request.seq(), nowMillis,
                nowNanos, request.text(), null);
    }

    @Override
    public String toString() {
        return "example echo responder of " + ExampleSubjects.ECHO;
    }
}
