package org.cohort.core.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.cohort.api.messaging.MessageSubject;

/** Writes a subject as its text; reading validates it like any other subject. */
final class MessageSubjectSerializer extends Serializer<MessageSubject> {

    MessageSubjectSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, MessageSubject subject) {
        output.writeString(subject.value());
    }

    @Override
    public MessageSubject read(Kryo kryo, Input input, Class<? extends MessageSubject> type) {
        return read(input);
    }

    static MessageSubject read(Input input) {
        String text = input.readString();
        if (text == null) {
            throw new KryoException("message subject is missing");
        }
        return MessageSubject.of(text);
    }
}
