package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.cohort.api.cluster.NodeId;

/** Writes a node id as its text; reading validates it like any other node id. */
final class NodeIdSerializer extends Serializer<NodeId> {

    NodeIdSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, NodeId nodeId) {
        output.writeString(nodeId.id());
    }

    @Override
    public NodeId read(Kryo kryo, Input input, Class<? extends NodeId> type) {
        return read(input);
    }

    static NodeId read(Input input) {
        String text = input.readString();
        if (text == null) {
            throw new KryoException("node id is missing");
        }
        return NodeId.of(text);
    }
}
