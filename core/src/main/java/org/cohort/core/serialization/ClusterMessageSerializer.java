package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;

/**
 * The message envelope on the wire: sender id, subject, payload length, payload bytes. The payload is
 * written straight from the caller's array and read into one new array: one copy each way.
 */
final class ClusterMessageSerializer extends Serializer<ClusterMessage> {

    /** Kryo's worst case for a string: a 5-byte length and 3 bytes per UTF-16 char. */
    private static final int MAX_BYTES_PER_CHAR = 3;
    private static final int MAX_VARINT_BYTES = 5;

    ClusterMessageSerializer() {
        setImmutable(true);
    }

    static int maxEncodedLength(ClusterMessage message) {
        return MAX_VARINT_BYTES + MAX_BYTES_PER_CHAR * message.sender().id().length()
                + MAX_VARINT_BYTES + MAX_BYTES_PER_CHAR * message.subject().value().length()
                + MAX_VARINT_BYTES + message.payload().length;
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
