package org.cohort.testtools.receive;

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
 * Receives the one-way {@value LoadSubjects#MESSAGE} messages: published as a {@link MessageHandler}
 * service with {@code cohort.subject=cohort.testtools.message}, Cohort's whiteboard subscribes it for as long as
 * it is registered, and runs it on one thread of its own, in arrival order. It only decodes and counts.
 */
@Component(service = MessageHandler.class, immediate = true,
        property = MessageHandler.SUBJECT_PROPERTY + "=" + LoadSubjects.MESSAGE)
public class MessageReceiver implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MessageReceiver.class);

    private final LoadCodec codec;
    private final ReceiveLedger ledger;
    private final StallGate stall;
    private final WarningThrottle warnings = new WarningThrottle();

    @Activate
    public MessageReceiver(@Reference(name = "codec") LoadCodec codec,
            @Reference(name = "ledger") ReceiveLedger ledger, @Reference(name = "stall") StallGate stall) {
        this.codec = codec;
        this.ledger = ledger;
        this.stall = stall;
    }

    @Override
    public byte[] handle(byte[] payload) {
        stall.pass();
        LoadMessage message;
        try {
            message = codec.decode(payload);
        } catch (SerializationException e) {
            ledger.undecodable();
            if (warnings.tryAcquire(System.nanoTime())) {
                LOG.warn("Dropped a {}-byte payload on {} that is not a LoadMessage (counted in "
                        + "example:received; this warning repeats at most once a minute): {}", payload.length,
                        LoadSubjects.MESSAGE, e.getMessage());
            }
            return null;
        }
        ledger.record(LoadSubjects.MESSAGE, message, System.currentTimeMillis());
        return null;
    }

    @Override
    public String toString() {
        return "test-tools receiver of " + LoadSubjects.MESSAGE;
    }
}
