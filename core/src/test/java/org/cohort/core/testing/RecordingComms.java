package org.cohort.core.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;

/** Keeps every message the transport hands it, of every subject. */
public final class RecordingComms implements CommunicationsDelegate {

    public final BlockingQueue<ClusterMessage> messages = new LinkedBlockingQueue<>();
    public volatile MessageSender sender;

    @Override
    public void setSender(MessageSender sender) {
        this.sender = sender;
    }

    @Override
    public void dispatch(ClusterMessage message) {
        messages.add(message);
    }
}
