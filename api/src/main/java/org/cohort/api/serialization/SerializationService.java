package org.cohort.api.serialization;

import java.nio.ByteBuffer;
import java.util.SortedMap;
import org.cohort.api.messaging.ClusterMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns message envelopes and registered payload types into bytes and back, refusing anything not
 * registered.
 *
 * <p>Every type that crosses the wire is registered under an explicit type id, so that nodes whose
 * bundles start in a different order still agree on the bytes. Ids below
 * {@value #FIRST_APPLICATION_TYPE_ID} are reserved for Cohort itself; sibling bundles use
 * {@value #FIRST_APPLICATION_TYPE_ID} to {@value #LAST_APPLICATION_TYPE_ID} and agree on them across
 * the cluster the way they agree on subjects. Each bundle gets its own view of this service (bundle
 * scope): what a bundle registers is removed when the bundle stops or releases the service.
 *
 * <p>Decoding treats its input as hostile: unregistered types, class names, truncated input and
 * declared lengths beyond the input all fail with {@link SerializationException} before anything is
 * allocated or loaded.
 */
@ProviderType
public interface SerializationService {

    /** The first type id open to sibling bundles; lower ids are reserved for Cohort. */
    int FIRST_APPLICATION_TYPE_ID = 1000;

    /** The last type id open to sibling bundles. */
    int LAST_APPLICATION_TYPE_ID = 65535;

    /**
     * Registers a payload type under an explicit id.
     *
     * @param typeId the id, {@value #FIRST_APPLICATION_TYPE_ID} to {@value #LAST_APPLICATION_TYPE_ID},
     *     the same on every node
     * @param type the type; its fields' types must be registered too
     * @return the registration, to close when the type is no longer used
     * @throws IllegalArgumentException if the id is out of range, or the id or the type is already
     *     registered
     */
    TypeRegistration register(int typeId, Class<?> type);

    /**
     * Registers a payload type by name, loaded with the registering bundle's class loader.
     *
     * @param typeId the id, as for {@link #register(int, Class)}
     * @param className the fully qualified class name
     * @return the registration
     * @throws IllegalArgumentException as for {@link #register(int, Class)}, or if the registering
     *     bundle cannot load the class
     */
    TypeRegistration register(int typeId, String className);

    /**
     * Serializes a registered object (or null).
     *
     * @param object the object
     * @return its bytes
     * @throws SerializationException if its type, or a type it holds, is not registered, or it is too
     *     large
     */
    byte[] serialize(Object object);

    /**
     * Deserializes bytes made by {@link #serialize(Object)} on any node.
     *
     * @param bytes the bytes
     * @param expectedType the type the caller expects
     * @param <T> the expected type
     * @return the object (or null, if null was serialized)
     * @throws SerializationException if the bytes are malformed, name an unregistered type, or hold
     *     another type than expected
     */
    <T> T deserialize(byte[] bytes, Class<T> expectedType);

    /**
     * Returns an upper bound of the bytes {@link #encode(ClusterMessage, ByteBuffer)} writes for the
     * message, to size the target buffer.
     *
     * @param message the message
     * @return the bound
     * @deprecated Internal to Cohort's transport, of no use to sibling bundles (they send payload bytes
     *     through {@code ClusterCommunicationService}, which frames them itself); nothing replaces it.
     *     It goes with the next major version of this package (see docs/compatibility.md).
     */
    @Deprecated
    int maxEncodedLength(ClusterMessage message);

    /**
     * Writes the message envelope (sender, subject, payload) at the buffer's position and advances it.
     *
     * @param message the message
     * @param target where to write; needs {@link #maxEncodedLength(ClusterMessage)} bytes remaining
     * @throws SerializationException if the target has too little room
     * @deprecated Internal to Cohort's transport, of no use to sibling bundles (they send payload bytes
     *     through {@code ClusterCommunicationService}, which frames them itself); nothing replaces it.
     *     It goes with the next major version of this package (see docs/compatibility.md).
     */
    @Deprecated
    void encode(ClusterMessage message, ByteBuffer target);

    /**
     * Reads one message envelope from the buffer's position up to its limit, and advances the
     * position to the limit.
     *
     * @param source the encoded envelope, exactly
     * @return the message; its payload is a new array
     * @throws SerializationException if the bytes are not one well-formed envelope
     * @deprecated Internal to Cohort's transport, of no use to sibling bundles (they send payload bytes
     *     through {@code ClusterCommunicationService}, which frames them itself); nothing replaces it.
     *     It goes with the next major version of this package (see docs/compatibility.md).
     */
    @Deprecated
    ClusterMessage decode(ByteBuffer source);

    /**
     * Returns every registered type id with the name of the type registered under it, core ones
     * included.
     *
     * @return type id to class name, in id order
     */
    SortedMap<Integer, String> registeredTypes();
}
