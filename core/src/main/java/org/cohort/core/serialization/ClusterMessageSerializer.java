package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * A ClusterMessage as a Kryo object, for {@code serialize}/{@code deserialize} (a message nested in a
 * payload): sender id, subject, payload length, payload bytes. Streams do not use it: their envelope is
 * {@link org.cohort.core.envelope.Envelope}'s, written and read without Kryo.
 */
final class ClusterMessageSerializer extends Serializer<ClusterMessage> {

    ClusterMessageSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, ClusterMessage message) {
        output.writeString(message.sender().id());
        output.writeString(message.subject().value());
        byte[] payload = message.payload();
        output.writeVarInt(payload.length, true);
        output.writeBytes(payload);
    }

    @Override
    public ClusterMessage read(Kryo kryo, Input input, Class<? extends ClusterMessage> type) {
        NodeId sender = NodeIdSerializer.read(input);
        MessageSubject subject = MessageSubjectSerializer.read(input);
        int length = input.readVarInt(true);
        InputBounds.require(input, length, 1, "payload");
        return new ClusterMessage(sender, subject, input.readBytes(length));
    }
}
