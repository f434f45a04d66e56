package org.cohort.shell;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The JSON of every command's {@code --json}, through Jackson: maps become objects (in their order),
 * collections arrays, numbers, booleans, strings and null stay themselves, one line.
 *
 * <p>A figure that is not a finite number (NaN, an infinity: e.g. a mean of nothing) is written as
 * {@code null}, never as the bare {@code NaN} that no JSON parser takes. Reading gives whole numbers as
 * Long and other numbers as Double, so that tests and tools compare figures without caring how big
 * they are.
 */
@ProviderType
public final class CommandJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("cohort-command-json")
                    .addSerializer(Double.class, new FiniteOrNull<>(Double.class))
                    .addSerializer(double.class, new FiniteOrNull<>(Double.class))
                    .addSerializer(Float.class, new FiniteOrNull<>(Float.class))
                    .addSerializer(float.class, new FiniteOrNull<>(Float.class)))
            .enable(DeserializationFeature.USE_LONG_FOR_INTS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CommandJson() {
    }

    /**
     * Writes a command's result.
     *
     * @param value maps, collections, numbers, booleans, strings and null
     * @return one line of JSON
     */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads what a command printed with {@code --json}.
     *
     * @param text the JSON
     * @return objects as ordered maps, arrays as lists, whole numbers as Long, other numbers as Double
     * @throws IllegalArgumentException if the text is not one JSON value (surrounding white space aside)
     */
    public static Object read(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage() + ": " + text, e);
        }
    }

    /** Writes a finite floating-point number as itself, anything else (NaN, infinities) as null. */
    private static final class FiniteOrNull<T extends Number> extends StdSerializer<T> {

        FiniteOrNull(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator out, SerializerProvider provider) throws IOException {
            double number = value.doubleValue();
            if (!Double.isFinite(number)) {
                out.writeNull();
            } else if (value instanceof Float single) {
                out.writeNumber(single);
            } else {
                out.writeNumber(number);
            }
        }
    }
}
