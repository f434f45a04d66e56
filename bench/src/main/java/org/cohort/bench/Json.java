package org.cohort.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough JSON for the harness: writes nested maps, lists, strings and numbers; reads back the flat
 * {@code {"key": number, ...}} objects the child processes print.
 */
final class Json {

    private static final Pattern NUMBER_FIELD = Pattern.compile("\"([A-Za-z0-9_.-]+)\"\\s*:\\s*(-?[0-9.eE+-]+)");

    private Json() {
    }

    /** Reads the numeric fields of a flat object. */
    static Map<String, Double> parseNumbers(String json) {
        Map<String, Double> values = new LinkedHashMap<>();
        Matcher matcher = NUMBER_FIELD.matcher(json);
        while (matcher.find()) {
            values.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        return values;
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            for (int i = 0; i < entries.size(); i++) {
                pad(out, indent + 1);
                string(out, String.valueOf(entries.get(i).getKey()));
                out.append(": ");
                write(out, entries.get(i).getValue(), indent + 1);
                out.append(i + 1 < entries.size() ? ",\n" : "\n");
            }
            pad(out, indent);
            out.append('}');
        } else if (value instanceof List<?> list) {
            boolean simple = list.stream().allMatch(v -> v instanceof Number || v instanceof String);
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (!simple) {
                    out.append('\n');
                    pad(out, indent + 1);
                }
                write(out, list.get(i), indent + 1);
                if (i + 1 < list.size()) {
                    out.append(simple ? ", " : ",");
                }
            }
            if (!simple && !list.isEmpty()) {
                out.append('\n');
                pad(out, indent);
            }
            out.append(']');
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isFinite(d)
                    ? new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString() : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else {
            string(out, value.toString());
        }
    }

    private static void pad(StringBuilder out, int indent) {
        out.append("  ".repeat(indent));
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
