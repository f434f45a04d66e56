package org.cohort.core.serialization;

import static org.cohort.api.serialization.SerializationService.FIRST_APPLICATION_TYPE_ID;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import com.esotericsoftware.kryo.util.Util;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.envelope.Envelope;
import org.objenesis.strategy.StdInstantiatorStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Kryo runtime of a node: the shared type registry, the pool of configured Kryo instances,
 * and the encode/decode operations every bundle's view of the serialization service uses.
 *
 * <p>Kryo instances are not thread-safe and are costly to build, so they are pooled. Each is built
 * from one registry generation; when registrations change, instances of older generations are dropped
 * rather than reused, so a stopped bundle's classes are not kept reachable from the pool.
 */
public class KryoSerialization {

    /**
     * Deepest object nesting accepted; deeper input is refused instead of overflowing the stack. Public for
     * the fuzz module's deserialization target (org.cohort.fuzz.serialization), which checks the bound.
     */
    public static final int MAX_DEPTH = 64;
    /** Largest payload {@link #serialize(Object)} produces. */
    static final int DEFAULT_MAX_SERIALIZED_BYTES = 64 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(KryoSerialization.class);
    private static final int INITIAL_OUTPUT_BYTES = 256;
    private static final int RETAINED_OUTPUT_BYTES = 64 * 1024;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final int maxSerializedBytes;
    private final TypeRegistry registry;
    private final SortedMap<Integer, String> coreTypes;
    private final Pool<KryoContext> pool;

    public KryoSerialization() {
        this(DEFAULT_MAX_SERIALIZED_BYTES);
    }

    KryoSerialization(int maxSerializedBytes) {
        this.maxSerializedBytes = maxSerializedBytes;
        Kryo probe = newKryo(new TypeRegistry.Snapshot(0, java.util.List.of()));
        this.coreTypes = CoreTypes.describe(probe);
        Set<String> reserved = new HashSet<>(coreTypes.values());
        // Kryo writes a primitive wrapper (Integer, Long, ...) under its primitive's id: core types too.
        for (int id : coreTypes.keySet()) {
            reserved.add(Util.getWrapperClass(probe.getRegistration(id).getType()).getName());
        }
        this.registry = new TypeRegistry(reserved);
        this.pool = new Pool<>(true, false, 4 * Runtime.getRuntime().availableProcessors()) {
            @Override
            protected KryoContext create() {
                return new KryoContext(registry.snapshot());
            }
        };
    }

    TypeRegistry.Entry register(Object owner, int typeId, Class<?> type) {
        TypeRegistry.Entry entry = registry.register(owner, typeId, type);
        try {
            // Build once now so that a type Kryo cannot handle is refused here, not on first send.
            newKryo(registry.snapshot());
        } catch (RuntimeException e) {
            registry.unregister(entry);
            throw new IllegalArgumentException("Kryo cannot serialize " + type.getName() + ": " + e.getMessage(), e);
        } finally {
            pool.clear();
        }
        LOG.debug("Registered {} as type {} for {}", type.getName(), typeId, owner);
        return entry;
    }

    void unregister(TypeRegistry.Entry entry) {
        if (registry.unregister(entry)) {
            pool.clear();
            LOG.debug("Unregistered {} (type {}) of {}", entry.type().getName(), entry.typeId(), entry.owner());
        }
    }

    int unregisterAll(Object owner) {
        int removed = registry.unregisterAll(owner);
        if (removed > 0) {
            pool.clear();
            LOG.info("Removed {} type registration(s) of {}", removed, owner);
        }
        return removed;
    }

    /** Drops every pooled instance, e.g. when the component stops. */
    void clearPool() {
        pool.clear();
    }

    SortedMap<Integer, String> registeredTypes() {
        SortedMap<Integer, String> all = new TreeMap<>(coreTypes);
        for (TypeRegistry.Entry entry : registry.snapshot().entries()) {
            all.put(entry.typeId(), entry.type().getName());
        }
        return Collections.unmodifiableSortedMap(all);
    }

    byte[] serialize(Object object) {
        KryoContext context = obtain();
        try {
            Output output = context.output;
            output.reset();
            context.kryo.writeClassAndObject(output, object);
            return output.toBytes();
        } catch (RuntimeException e) {
            context.failed = true;
            throw new SerializationException("cannot serialize " + typeName(object) + ": " + e.getMessage(), e);
        } finally {
            if (context.output.getBuffer().length > RETAINED_OUTPUT_BYTES) {
                context.output.setBuffer(new byte[INITIAL_OUTPUT_BYTES], maxSerializedBytes);
            }
            release(context);
        }
    }

    <T> T deserialize(byte[] bytes, Class<T> expectedType) {
        if (bytes == null) {
            throw new SerializationException("cannot deserialize null bytes");
        }
        KryoContext context = obtain();
        try {
            BoundedInput input = context.input;
            input.setBuffer(ByteBuffer.wrap(bytes));
            Object object = context.kryo.readClassAndObject(input);
            if (input.position() != bytes.length) {
                throw new SerializationException("cannot deserialize " + bytes.length + " bytes as "
                        + expectedType.getName() + wireTypeOf(context.kryo, bytes) + ": "
                        + (bytes.length - input.position()) + " unexpected bytes after the object");
            }
            if (object != null && !expectedType.isInstance(object)) {
                throw new SerializationException("expected " + expectedType.getName() + " but the bytes hold "
                        + object.getClass().getName() + wireTypeOf(context.kryo, bytes));
            }
            return expectedType.cast(object);
        } catch (SerializationException e) {
            context.failed = true;
            throw e;
        } catch (RuntimeException e) {
            context.failed = true;
            throw new SerializationException("cannot deserialize " + bytes.length + " bytes as "
                    + expectedType.getName() + wireTypeOf(context.kryo, bytes) + ": " + e.getMessage(), e);
        } finally {
            context.input.setBuffer(EMPTY);
            release(context);
        }
    }

    int maxEncodedLength(ClusterMessage message) {
        return Envelope.maxEncodedLength(message);
    }

    /** The envelope is not Kryo's (see {@link Envelope}); this is the service's view of it on NIO buffers. */
    void encode(ClusterMessage message, ByteBuffer target) {
        // A slice caps the writer at the target's remaining bytes: it fails instead of growing a buffer.
        ByteBuf window = Unpooled.wrappedBuffer(target.slice()).clear();
        try {
            Envelope.encode(message, window);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot encode " + message + " into " + target.remaining()
                    + " bytes: " + e.getMessage(), e);
        }
        target.position(target.position() + window.writerIndex());
    }

    ClusterMessage decode(ByteBuffer source) {
        int length = source.remaining();
        ClusterMessage message;
        try {
            message = Envelope.decode(Unpooled.wrappedBuffer(source.slice()));
        } catch (RuntimeException e) {
            throw new SerializationException("cannot decode a " + length + "-byte message envelope: "
                    + e.getMessage(), e);
        }
        source.position(source.limit());
        return message;
    }

    /**
     * What this node knows of the top-level type id the bytes start with, for an error message. The wire
     * carries the id only, not the sender's class: two nodes whose bundles register different types
     * under one id show up here as "id N is class Y on this node" where the caller expected X.
     */
    private static String wireTypeOf(Kryo kryo, byte[] bytes) {
        int wireId;
        try {
            wireId = new Input(bytes).readVarInt(true);
        } catch (RuntimeException e) {
            return "";
        }
        if (wireId < WireClassResolver.ID_OFFSET) {
            return "";
        }
        int typeId = wireId - WireClassResolver.ID_OFFSET;
        var registration = kryo.getClassResolver().getRegistration(typeId);
        if (registration == null) {
            return ""; // the resolver's own message says so
        }
        String hint = typeId >= FIRST_APPLICATION_TYPE_ID
                ? "; if the sender meant another class, the nodes register different types under that id" : "";
        return " (type id " + typeId + " is " + registration.getType().getName() + " on this node" + hint + ")";
    }

    private static String typeName(Object object) {
        return object == null ? "null" : object.getClass().getName();
    }

    private KryoContext obtain() {
        KryoContext context = pool.obtain();
        long current = registry.snapshot().generation();
        return context.generation == current ? context : new KryoContext(registry.snapshot());
    }

    /**
     * Returns a context to the pool unless registrations changed meanwhile. A context that saw bad input
     * goes back too, rebuilding one per refused input would make garbage cheap for a peer and costly for
     * us; but first it gets a fresh generics stack: Kryo resets most of its per-operation state in
     * finally blocks, not the generic types of a field it failed inside (kryo#1281, found by fuzzing),
     * with which the next payload would read wrongly.
     */
    private void release(KryoContext context) {
        if (context.failed) {
            context.kryo.setOptimizedGenerics(true); // a new, empty DefaultGenerics
            context.failed = false;
        }
        if (context.generation == registry.snapshot().generation()) {
            pool.free(context);
        }
    }

    private static Kryo newKryo(TypeRegistry.Snapshot snapshot) {
        // No reference resolver: object graphs with back references are not part of the protocol.
        Kryo kryo = new Kryo(new WireClassResolver(), null);
        kryo.setRegistrationRequired(true);
        kryo.setMaxDepth(MAX_DEPTH);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        CoreTypes.registerOn(kryo);
        for (TypeRegistry.Entry entry : snapshot.entries()) {
            kryo.register(entry.type(), BoundedSerializers.forType(kryo, entry.type()), entry.typeId());
        }
        return kryo;
    }

    /** A Kryo with the buffers used around it, all from one registry generation. */
    private final class KryoContext {
        final long generation;
        final Kryo kryo;
        final BoundedInput input = new BoundedInput();
        final Output output = new Output(INITIAL_OUTPUT_BYTES, maxSerializedBytes);
        /** Set when an operation failed: its generics are reset before it is pooled again. */
        boolean failed;

        KryoContext(TypeRegistry.Snapshot snapshot) {
            this.generation = snapshot.generation();
            this.kryo = newKryo(snapshot);
        }
    }
}
