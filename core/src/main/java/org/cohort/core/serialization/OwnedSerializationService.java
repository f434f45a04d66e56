package org.cohort.core.serialization;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.serialization.SerializationService;
import org.cohort.api.serialization.TypeRegistration;

/**
 * One owner's view of the node's serialization runtime: what it registers is tagged with it, loaded
 * through its class loader, and removed when the view is closed.
 */
public class OwnedSerializationService implements SerializationService, AutoCloseable {

    /** Loads a class by name the way the owner would. */
    @FunctionalInterface
    public interface ClassLoading {
        Class<?> load(String className) throws ClassNotFoundException;
    }

    private final KryoSerialization runtime;
    private final String owner;
    private final ClassLoading classLoading;

    /**
     * @param runtime the node's serialization runtime
     * @param owner who registers through this view, as shown in errors and logs
     * @param classLoading how the owner loads classes by name
     */
    public OwnedSerializationService(KryoSerialization runtime, String owner, ClassLoading classLoading) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.classLoading = Objects.requireNonNull(classLoading, "classLoading");
    }

    @Override
    public TypeRegistration register(int typeId, Class<?> type) {
        return new Registration(runtime.register(this, typeId, type));
    }

    @Override
    public TypeRegistration register(int typeId, String className) {
        Objects.requireNonNull(className, "class name must not be null");
        Class<?> type;
        try {
            type = classLoading.load(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(owner + " cannot load " + className + " for type id " + typeId, e);
        }
        return register(typeId, type);
    }

    @Override
    public byte[] serialize(Object object) {
        return runtime.serialize(object);
    }

    @Override
    public <T> T deserialize(byte[] bytes, Class<T> expectedType) {
        return runtime.deserialize(bytes, expectedType);
    }

    /** Deprecated in the API; kept for core's transport until it stops calling it. */
    @Deprecated
    @Override
    public int maxEncodedLength(ClusterMessage message) {
        return runtime.maxEncodedLength(message);
    }

    /** Deprecated in the API; kept for core's transport until it stops calling it. */
    @Deprecated
    @Override
    public void encode(ClusterMessage message, ByteBuffer target) {
        runtime.encode(message, target);
    }

    /** Deprecated in the API; kept for core's transport until it stops calling it. */
    @Deprecated
    @Override
    public ClusterMessage decode(ByteBuffer source) {
        return runtime.decode(source);
    }

    @Override
    public SortedMap<Integer, String> registeredTypes() {
        return runtime.registeredTypes();
    }

    /** Removes everything this owner registered. */
    @Override
    public void close() {
        runtime.unregisterAll(this);
    }

    @Override
    public String toString() {
        return owner;
    }

    private final class Registration implements TypeRegistration {
        private final TypeRegistry.Entry entry;
        private final AtomicBoolean closed = new AtomicBoolean();

        Registration(TypeRegistry.Entry entry) {
            this.entry = entry;
        }

        @Override
        public int typeId() {
            return entry.typeId();
        }

        @Override
        public Class<?> type() {
            return entry.type();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                runtime.unregister(entry);
            }
        }

        @Override
        public String toString() {
            return "type " + entry.typeId() + " = " + entry.type().getName() + " (" + owner + ")";
        }
    }
}
