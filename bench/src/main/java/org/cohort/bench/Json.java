package org.cohort.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The harness's JSON, through Jackson: the results file (indented; a double rounded to six significant
 * digits, a figure that is not a finite number as null) and the flat objects the child processes print.
 */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("cohort-bench-json")
                    .addSerializer(Double.class, new SixDigits())
                    .addSerializer(double.class, new SixDigits()))
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /** Reads the numeric fields of a flat object; other fields (null for a figure that had none) are left out. */
    static Map<String, Double> parseNumbers(String json) {
        Map<String, Double> values = new LinkedHashMap<>();
        try {
            MAPPER.readTree(json).properties().forEach(field -> {
                if (field.getValue().isNumber()) {
                    values.put(field.getKey(), field.getValue().doubleValue());
                }
            });
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
        return values;
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A double to six significant digits, as plain decimals; NaN and the infinities as null. */
    private static final class SixDigits extends StdSerializer<Double> {

        SixDigits() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (Double.isFinite(value)) {
                out.writeNumber(new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString());
            } else {
                out.writeNull();
            }
        }
    }
}
