package org.cohort.testtools.message;

import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.SerializationService;
import org.cohort.api.serialization.TypeRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers {@link ExampleMessage} with Cohort's serialization under {@link ExampleMessage#TYPE_ID} while
 * it is active, and turns messages into bytes and back. The rest of the bundle reaches the type through
 * this service only, so nothing sends or decodes it while it is not registered.
 */
@Component(service = ExampleCodec.class)
public class ExampleCodec {

    private static final Logger LOG = LoggerFactory.getLogger(ExampleCodec.class);

    private final SerializationService serialization;
    private final TypeRegistration registration;

    /**
     * Registers the type.
     *
     * @param serialization this bundle's view of the serialization service
     * @throws IllegalArgumentException if the type id is taken (then the component does not start)
     */
    @Activate
    public ExampleCodec(@Reference(name = "serialization") SerializationService serialization) {
        this.serialization = serialization;
        this.registration = serialization.register(ExampleMessage.TYPE_ID, ExampleMessage.class);
        LOG.info("Registered {} as type {}", ExampleMessage.class.getSimpleName(), registration.typeId());
    }

    /** Removes the registration. */
    @Deactivate
    public void close() {
        registration.close();
        LOG.info("Unregistered {} (type {})", ExampleMessage.class.getSimpleName(), registration.typeId());
    }

    /**
     * Serializes a message.
     *
     * @param message the message
     * @return its bytes
     * @throws SerializationException if it is too large
     */
    public byte[] encode(ExampleMessage message) {
        return serialization.serialize(message);
    }

    /**
     * Deserializes a message, checking its fields.
     *
     * @param bytes bytes from any node
     * @return the message
     * @throws SerializationException if the bytes are not a well-formed ExampleMessage (null included)
     */
    public ExampleMessage decode(byte[] bytes) {
        ExampleMessage message = serialization.deserialize(bytes, ExampleMessage.class);
        if (message == null) {
            throw new SerializationException("expected an ExampleMessage, got null");
        }
        return message;
    }
}
