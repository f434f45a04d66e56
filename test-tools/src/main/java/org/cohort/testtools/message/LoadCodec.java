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
 * Registers {@link LoadMessage} with Cohort's serialization under {@link LoadMessage#TYPE_ID} while
 * it is active, and turns messages into bytes and back. The rest of the bundle reaches the type through
 * this service only, so nothing sends or decodes it while it is not registered.
 */
@Component(service = LoadCodec.class)
public class LoadCodec {

    private static final Logger LOG = LoggerFactory.getLogger(LoadCodec.class);

    private final SerializationService serialization;
    private final TypeRegistration registration;

    /**
     * Registers the type.
     *
     * @param serialization this bundle's view of the serialization service
     * @throws IllegalArgumentException if the type id is taken (then the component does not start)
     */
    @Activate
    public LoadCodec(@Reference(name = "serialization") SerializationService serialization) {
        this.serialization = serialization;
        this.registration = serialization.register(LoadMessage.TYPE_ID, LoadMessage.class);
        LOG.info("Registered {} as type {}", LoadMessage.class.getSimpleName(), registration.typeId());
    }

    /** Removes the registration. */
    @Deactivate
    public void close() {
        registration.close();
        LOG.info("Unregistered {} (type {})", LoadMessage.class.getSimpleName(), registration.typeId());
    }

    /**
     * Serializes a message.
     *
     * @param message the message
     * @return its bytes
     * @throws SerializationException if it is too large
     */
    public byte[] encode(LoadMessage message) {
        return serialization.serialize(message);
    }

    /**
     * Deserializes a message, checking its fields.
     *
     * @param bytes bytes from any node
     * @return the message
     * @throws SerializationException if the bytes are not a well-formed LoadMessage (null included)
     */
    public LoadMessage decode(byte[] bytes) {
        LoadMessage message = serialization.deserialize(bytes, LoadMessage.class);
        if (message == null) {
            throw new SerializationException("expected a LoadMessage, got null");
        }
        return message;
    }
}
