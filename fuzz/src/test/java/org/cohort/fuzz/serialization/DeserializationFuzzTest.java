package org.cohort.fuzz.serialization;

import static org.cohort.fuzz.Findings.check;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.serialization.SerializationException;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.cohort.fuzz.Findings;
import org.cohort.fuzz.serialization.FuzzTypes.AllArrays;
import org.cohort.fuzz.serialization.FuzzTypes.Chain;
import org.cohort.fuzz.serialization.FuzzTypes.Color;
import org.cohort.fuzz.serialization.FuzzTypes.Greeting;
import org.cohort.fuzz.serialization.FuzzTypes.Holder;
import org.cohort.fuzz.serialization.FuzzTypes.Index;
import org.cohort.fuzz.serialization.FuzzTypes.Inventory;
import org.cohort.fuzz.serialization.FuzzTypes.Names;
import org.cohort.fuzz.serialization.FuzzTypes.Parcel;
import org.cohort.fuzz.serialization.FuzzTypes.Retired;
import org.cohort.fuzz.serialization.FuzzTypes.Tags;
import org.cohort.fuzz.serialization.FuzzTypes.Trap;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what the serialization service makes of a peer's bytes: {@code deserialize(bytes, type)} for
 * Object and for each registered payload type (records, plain classes, a sibling's own collections,
 * an enum) and some core types, and {@code decode} of a message envelope.
 *
 * <p>Input: one byte choosing the call ({@link #ENTRY_POINTS} and the envelope, modulo their count),
 * then the bytes given to it.
 *
 * <p>Whatever the bytes: the call returns or throws SerializationException, nothing else (no
 * StackOverflowError, no OutOfMemoryError, no KryoException); what it returns is of the type asked
 * for, and everything reachable from it is of a registered type; no unregistered class is ever
 * initialized (the canaries in {@link FuzzTypes}); valid payloads read next still read as they were
 * written (nothing the input did is left behind in the pooled Kryo); the call allocates in proportion to
 * the bytes it is given, not to lengths they declare; and what it returns can be serialized and read
 * back (an envelope within its {@code maxEncodedLength}).
 */
class DeserializationFuzzTest {

    /** What the target asks for, by the input's first byte; one more value decodes an envelope. */
    static final List<Class<?>> ENTRY_POINTS = List.of(Object.class, Greeting.class, Inventory.class, Parcel.class,
            AllArrays.class, Chain.class, Color.class, Names.class, Index.class, Tags.class, Holder.class, Trap.class,
            String.class, ArrayList.class, HashMap.class, Object[].class, ClusterMessage.class);
    static final int ENVELOPE = ENTRY_POINTS.size();

    /**
     * Heap a call may allocate: a fixed allowance for Kryo's own work, and a generous factor per input
     * byte (a byte can become an element reference, a boxed value or an empty collection). A length
     * trusted before it is checked would allocate its declared size instead, up to gigabytes.
     */
    static final long ALLOCATION_ALLOWANCE = 1 << 20;
    static final long ALLOCATION_PER_BYTE = 256;

    /** The id the stopped sibling's type had. */
    static final int RETIRED_ID = 1100;

    static final KryoSerialization RUNTIME = new KryoSerialization();
    static final OwnedSerializationService SERVICE =
            new OwnedSerializationService(RUNTIME, "fuzz sibling", ClassLoader.getSystemClassLoader()::loadClass);
    private static final Set<String> ALLOWED;
    /**
     * Valid payloads read after every input, by the same pooled Kryo: each must still read as written
     * (and serialize to the same bytes), so that an input that leaves state behind is caught by itself,
     * not by whichever input happens to come next.
     */
    private static final List<byte[]> SENTINELS;

    static {
        int id = 1000;
        for (Class<?> type : List.of(Greeting.class, Inventory.class, Parcel.class, AllArrays.class, Chain.class,
                Color.class, Names.class, Index.class, Tags.class, Holder.class, Trap.class)) {
            SERVICE.register(id++, type);
        }
        // Registered by another bundle that then stopped: its id must be unknown again.
        OwnedSerializationService stopped =
                new OwnedSerializationService(RUNTIME, "stopped sibling",
                        ClassLoader.getSystemClassLoader()::loadClass);
        stopped.register(RETIRED_ID, Retired.class);
        stopped.close();

        Set<String> allowed = new HashSet<>(SERVICE.registeredTypes().values());
        for (Class<?> boxed : List.of(Integer.class, Long.class, Short.class, Byte.class, Character.class,
                Boolean.class, Float.class, Double.class)) {
            allowed.add(boxed.getName());
        }
        ALLOWED = Collections.unmodifiableSet(allowed);
        check(!ALLOWED.contains(Retired.class.getName()), "Retired is still registered");

        Inventory inventory = new Inventory();
        inventory.names = new ArrayList<>(List.of("alpha", "beta"));
        inventory.counts = new HashMap<>(Map.of("alpha", 1));
        inventory.numbers = new int[] {7};
        inventory.label = "sentinel";
        SENTINELS = List.of(
                SERVICE.serialize(new Object[] {new ArrayList<>(List.of("one", "two")),
                        new HashMap<>(Map.of("k", "v"))}),
                SERVICE.serialize(new Holder(new ArrayList<>(List.of("one", 2L)))),
                SERVICE.serialize(inventory));
        // Warm the pool, so that building the first Kryo does not count against the first input.
        SERVICE.deserialize(SERVICE.serialize(new Greeting("warm", 1, null)), Greeting.class);
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void deserialize(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int entry = (input[0] & 0xff) % (ENTRY_POINTS.size() + 1);
        byte[] bytes = java.util.Arrays.copyOfRange(input, 1, input.length);
        if (entry == ENVELOPE) {
            envelope(input);
        } else {
            payload(bytes, ENTRY_POINTS.get(entry));
        }
        String tripped = FuzzTypes.TRIPPED.get();
        check(tripped == null, "an unregistered class was reached: %s", tripped);
        for (byte[] sentinel : SENTINELS) {
            byte[] again;
            try {
                again = SERVICE.serialize(SERVICE.deserialize(sentinel, Object.class));
            } catch (SerializationException e) {
                throw Findings.unexpected("after this input, a valid payload no longer reads", e);
            }
            check(java.util.Arrays.equals(again, sentinel), "after this input, a valid payload reads as another");
        }
    }

    private static void payload(byte[] bytes, Class<?> type) {
        long before = Findings.allocatedBytes();
        Object result;
        try {
            result = SERVICE.deserialize(bytes, type);
        } catch (SerializationException e) {
            checkAllocation(before, bytes.length, () -> SERVICE.deserialize(bytes, type));
            return;
        } catch (Throwable e) {
            throw Findings.unexpected("deserialize(" + bytes.length + " bytes, " + type.getSimpleName()
                    + ") threw other than SerializationException", e);
        }
        checkAllocation(before, bytes.length, () -> SERVICE.deserialize(bytes, type));
        check(result == null || type.isInstance(result), "asked for %s, got %s", type.getName(),
                result == null ? null : result.getClass().getName());
        onlyRegistered(result, new IdentityHashMap<>(), 0);
        // What was accepted can be sent back.
        Object again;
        try {
            again = SERVICE.deserialize(SERVICE.serialize(result), type);
        } catch (SerializationException e) {
            throw Findings.unexpected("a deserialized " + describe(result) + " does not serialize and read back", e);
        }
        check(again == null ? result == null : result != null && again.getClass() == result.getClass(),
                "read back %s as %s", describe(result), describe(again));
    }

    /** The envelope from a window of the input that does not start at 0, as a frame body's does not. */
    private static void envelope(byte[] input) {
        ByteBuffer source = ByteBuffer.wrap(input, 1, input.length - 1);
        int length = source.remaining();
        long before = Findings.allocatedBytes();
        ClusterMessage message;
        try {
            message = SERVICE.decode(source);
        } catch (SerializationException e) {
            checkAllocation(before, length, () -> SERVICE.decode(ByteBuffer.wrap(input, 1, length)));
            return;
        } catch (Throwable e) {
            throw Findings.unexpected("decode(" + length + " bytes) threw other than SerializationException", e);
        }
        checkAllocation(before, length, () -> SERVICE.decode(ByteBuffer.wrap(input, 1, length)));
        check(message != null, "decode returned null");
        check(!source.hasRemaining(), "decode left %d bytes of the envelope unread", source.remaining());
        check(message.payload().length <= length, "a %d-byte envelope decoded to a %d-byte payload", length,
                message.payload().length);
        int bound = SERVICE.maxEncodedLength(message);
        ByteBuffer target = ByteBuffer.allocate(bound);
        try {
            SERVICE.encode(message, target);
        } catch (SerializationException e) {
            throw Findings.unexpected("a decoded envelope does not encode within its maxEncodedLength " + bound, e);
        }
        target.flip();
        ClusterMessage again = SERVICE.decode(target);
        check(again.equals(message), "an envelope read back as another: %s, then %s", message, again);
    }

    /**
     * Checks what the call allocated since {@code before}; if that is over the bound, runs it once more
     * and checks that run: the first may have loaded and instrumented classes, which allocates on this
     * thread too.
     */
    private static void checkAllocation(long before, int inputBytes, Runnable call) {
        long bound = ALLOCATION_ALLOWANCE + ALLOCATION_PER_BYTE * inputBytes;
        if (Findings.allocatedBytes() - before <= bound) {
            return;
        }
        long again = Findings.allocatedBytes();
        try {
            call.run();
        } catch (SerializationException e) {
            // as the first time
        }
        long allocated = Findings.allocatedBytes() - again;
        check(allocated <= bound, "reading %d bytes allocated %d bytes (bound %d)", inputBytes, allocated, bound);
    }

    /** Everything reachable is of a registered type (a primitive's wrapper counts as the primitive). */
    private static void onlyRegistered(Object value, IdentityHashMap<Object, Boolean> seen, int depth) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        check(depth <= KryoSerialization.MAX_DEPTH + 2, "an object graph deeper than %d", KryoSerialization.MAX_DEPTH);
        Class<?> type = value.getClass();
        Class<?> named = type.isEnum() || type.getSuperclass() != null && type.getSuperclass().isEnum()
                ? ((Enum<?>) value).getDeclaringClass() : type;
        check(ALLOWED.contains(named.getName()), "deserialized an instance of %s, which is not registered",
                type.getName());
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                onlyRegistered(element, seen, depth + 1);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                onlyRegistered(entry.getKey(), seen, depth + 1);
                onlyRegistered(entry.getValue(), seen, depth + 1);
            }
        } else if (value instanceof Object[] array) {
            for (Object element : array) {
                onlyRegistered(element, seen, depth + 1);
            }
        } else if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                onlyRegistered(read(component, value), seen, depth + 1);
            }
        } else if (type.getEnclosingClass() == FuzzTypes.class && !type.isEnum()) {
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()) {
                    onlyRegistered(read(field, value), seen, depth + 1);
                }
            }
        }
    }

    private static Object read(RecordComponent component, Object record) {
        try {
            component.getAccessor().setAccessible(true);
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object read(Field field, Object object) {
        try {
            field.setAccessible(true);
            return field.get(object);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
