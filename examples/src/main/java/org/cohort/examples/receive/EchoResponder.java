package org.cohort.examples.receive;

import org.cohort.api.cluster.ClusterService;
import org.cohort.api.messaging.MessageHandler;
import org.cohort.examples.message.ExampleCodec;
import org.cohort.examples.message.ExampleMessage;
import org.cohort.examples.message.ExampleSubjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Answers the {@value ExampleSubjects#ECHO} requests: the other half of request/reply. A whiteboard
 * {@link MessageHandler} like {@link MessageLogger}; the bytes it returns are the reply. The reply is an
 * ExampleMessage from this node carrying the request's number and text.
 *
 * <p>What the handler throws reaches the requester as a RemoteHandlerFailureException (a payload that is
 * not an ExampleMessage, here); a request to a node where no handler is subscribed fails with a
 * NoRemoteHandlerException.
 */
@Component(service = MessageHandler.class, property = MessageHandler.SUBJECT_PROPERTY + "=" + ExampleSubjects.ECHO)
public class EchoResponder implements MessageHandler {

    private final ExampleCodec codec;
    private final ClusterService cluster;

    @Activate
    public EchoResponder(@Reference(name = "codec") ExampleCodec codec,
            @Reference(name = "cluster") ClusterService cluster) {
        this.codec = codec;
        this.cluster = cluster;
    }

    @Override
    public byte[] handle(byte[] payload) {
        ExampleMessage request = codec.decode(payload);
        return codec.encode(new ExampleMessage(cluster.localMember().id().id(), request.seq(), request.text()));
    }
}
