package org.cohort.examples.receive;

import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.api.serialization.SerializationException;
import org.cohort.examples.message.ExampleCodec;
import org.cohort.examples.message.ExampleMessage;
import org.cohort.examples.message.ExampleSubjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the one-way {@value ExampleSubjects#MESSAGE} messages and logs each one.
 *
 * <p>A whiteboard handler: published as a {@link MessageHandler} service with the property
 * {@code cohort.subject=example.message}, Cohort subscribes it for as long as the service is registered
 * (no subscription to keep or close), and calls it on a thread of its own subscription, one message at a
 * time, in the order each sender sent them. A slow handler holds up this subject only; when its backlog is
 * full, Cohort refuses further messages on it and counts them ({@code cluster:subjects}).
 *
 * <p>It overrides {@link MessageHandler#handle(NodeId, byte[])} to learn which node sent each message
 * (what Cohort itself says, not what the message claims), and gets what any API sends on its subject:
 * {@code example:send}'s typed messages, and {@code cluster:send}'s plain ones too (which it drops, as
 * they are not ExampleMessages).
 */
@Component(service = MessageHandler.class, property = MessageHandler.SUBJECT_PROPERTY + "=" + ExampleSubjects.MESSAGE)
public class MessageLogger implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MessageLogger.class);

    private final ExampleCodec codec;

    @Activate
    public MessageLogger(@Reference(name = "codec") ExampleCodec codec) {
        this.codec = codec;
    }

    /** For a caller that does not know the sender: the message's own origin stands in for it. */
    @Override
    public byte[] handle(byte[] payload) {
        return handle(null, payload);
    }

    @Override
    public byte[] handle(NodeId sender, byte[] payload) {
        ExampleMessage message;
        try {
            message = codec.decode(payload);
        } catch (SerializationException e) {
            // Bytes from the network: anything may arrive. Drop what is not an ExampleMessage.
            LOG.warn("Dropped a {}-byte payload on {} from {} that is not an ExampleMessage: {}", payload.length,
                    ExampleSubjects.MESSAGE, sender, e.getMessage());
            return null;
        }
        String from = sender == null ? message.origin() : sender.id();
        if (!from.equals(message.origin())) {
            LOG.info("ExampleMessage #{} from {} (it claims to come from {}): {}", message.seq(), from,
                    message.origin(), message.text());
        } else {
            LOG.info("ExampleMessage #{} from {}: {}", message.seq(), from, message.text());
        }
        return null; // one-way messages have no reply
    }
}
