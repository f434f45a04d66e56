package org.cohort.api.serialization;

import java.nio.ByteBuffer;
import java.util.SortedMap;
import org.cohort.api.messaging.ClusterMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Turns registered payload types into bytes and back, refusing anything not registered.
 *
 * <p><b>Type ids.</b> Every type that crosses the wire is registered under an explicit type id, so that
 * nodes whose bundles start in a different order still agree on the bytes. Ids below
 * {@value #FIRST_APPLICATION_TYPE_ID} are reserved for Cohort itself; ids
 * {@value #FIRST_APPLICATION_TYPE_ID} to {@value #LAST_APPLICATION_TYPE_ID} belong to sibling bundles,
 * which agree on them across the cluster the way they agree on subjects. The convention: each sibling
 * bundle reserves a block of 100 ids (1000-1099, 1100-1199, ...; Cohort's example bundle uses 2000) in
 * one table its controller keeps with its sources, registers its types at fixed ids in that block on
 * every node, and never reuses an id for another class while any node may still send it. Each bundle
 * gets its own view of this service (bundle scope): what a bundle registers is removed when the bundle
 * stops or releases the service.
 *
 * <p><b>What is accepted.</b> Besides the registered types: {@code String}, the primitive wrappers, the
 * primitive and {@code String}/{@code Object} arrays Cohort registers, the mutable JDK collections
 * ({@code ArrayList}, {@code LinkedList}, {@code HashSet}, {@code LinkedHashSet}, {@code HashMap},
 * {@code LinkedHashMap}), the JDK's immutable ones ({@code List.of}, {@code List.copyOf},
 * {@code Set.of}, {@code Map.of}, {@code Map.ofEntries}, {@code Map.copyOf}, {@code Stream.toList},
 * {@code Arrays.asList}, {@code Collections.unmodifiable*}, {@code empty*} and {@code singleton*}, which
 * come back immutable too), {@code UUID} and Cohort's own value types. Records are supported, with the
 * usual defensive copies ({@code names = List.copyOf(names)}) in their constructors.
 *
 * <p><b>When nodes disagree.</b> The bytes carry a type id, not the sender's class name. When the
 * receiving node has no type under that id, or another class than its caller expects,
 * {@link #deserialize} fails with a {@link SerializationException} naming the id, the class this node has
 * under it (or that it has none) and the class the caller expected, e.g. {@code cannot deserialize 24
 * bytes as com.acme.Order (type id 1200 is com.acme.Invoice on this node; ...)} or {@code ... type id
 * 1200 is not registered on this node}. Thrown in a subscriber's decoder, it is counted on the receiving
 * node as a failed handler ({@code DispatchHandlerFailed}, and the subject's failed count in
 * {@code cluster:subjects}) and logged at WARN; a requester's future fails with a
 * {@code RemoteHandlerFailureException} carrying that text.
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
     *     the same on every node (see the class comment for how bundles share the range)
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
     *     another type than expected; the message names the type id and the classes involved
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
