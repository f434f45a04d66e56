package org.cohort.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The raw properties of PID {@value ClusterConfig#PID}, each checked against the type and range its
 * attribute declares in {@link ClusterConfig}, before anything converts them.
 *
 * <p>Declarative Services (and the OSGi Converter) would turn {@code "12x"} into 0 or the default; here it is
 * refused, naming the key, the value and the expected range. The types and ranges come from the metatype bnd
 * compiles from {@link ClusterConfig} ({@code OSGI-INF/metatype/org.cohort.cluster.xml}, in the bundle and the
 * jar alike): the {@code @AttributeDefinition} annotations are not visible to reflection, and so the ranges are
 * written once, there. Keys are matched ignoring case, as ConfigAdmin does; keys without an attribute
 * ({@code service.pid}, {@code component.*}, {@code *.target}, ...) are ignored.
 */
final class RawValues {

    /** One attribute of the metatype: its key, type ({@code Integer}, {@code String}, ...) and bounds or null. */
    record Attribute(String key, String type, String min, String max) {
    }

    /** Every attribute, in the order {@link ClusterConfig} declares them. */
    static final List<Attribute> ATTRIBUTES = readMetatype();

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL_NUMBER =
            Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?");

    private final Map<String, ?> properties;

    RawValues(Map<String, ?> properties) {
        this.properties = properties;
    }

    /** The value of a key, matched ignoring case as ConfigAdmin does; null if it is not set. */
    Object get(String key) {
        Object value = properties.get(key);
        if (value != null) {
            return value;
        }
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            if (key.equalsIgnoreCase(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The value of a key as configured, for messages; a missing key renders as the empty text. */
    String rendered(String key) {
        Object raw = get(key);
        if (raw == null) {
            return "";
        }
        if (raw instanceof Object[] array) {
            return Arrays.toString(array);
        }
        return raw.getClass().isArray() ? raw.getClass().getComponentType().getSimpleName() + "[] value"
                : String.valueOf(raw);
    }

    /**
     * Checks every value that is set against its attribute.
     *
     * @return the values under their own keys: text stripped, numbers as {@code Long} or {@code Double}
     * @throws InvalidConfigurationException naming the first value that does not fit its attribute
     */
    Map<String, Object> checked() throws InvalidConfigurationException {
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Attribute attribute : ATTRIBUTES) {
            Object raw = get(attribute.key());
            if (raw != null) {
                checked.put(attribute.key(), check(attribute, raw));
            }
        }
        return checked;
    }

    private Object check(Attribute attribute, Object raw) throws InvalidConfigurationException {
        String key = attribute.key();
        switch (attribute.type()) {
            case "Integer", "Long" -> {
                return inRange(attribute, number(raw, true), "not a whole number").longValueExact();
            }
            case "Double" -> {
                return inRange(attribute, number(raw, false), "not a decimal number").doubleValue();
            }
            case "Boolean" -> {
                String text = String.valueOf(raw).strip();
                if (!(raw instanceof Boolean) && !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                    throw refused(key, "must be true or false");
                }
                return Boolean.parseBoolean(text);
            }
            case "Password" -> {
                if (key.equals(ClusterConfig.CLUSTER_SECRET)) {
                    return String.valueOf(raw).strip(); // its length is checked, and refused unechoed, later
                }
                if (!(raw instanceof String text)) {
                    throw new InvalidConfigurationException(key, "********", "must be text");
                }
                return text; // as it is, blanks included
            }
            default -> {
                if (key.equals(ClusterConfig.MEMBERS) && !(raw instanceof String)) {
                    return memberList(raw);
                }
                if (!(raw instanceof String text)) {
                    throw refused(key, "must be text, got " + raw.getClass().getSimpleName());
                }
                return text.strip();
            }
        }
    }

    /** A typed config may give the members as an array or a collection of entries. */
    private String memberList(Object raw) throws InvalidConfigurationException {
        Collection<?> items = raw instanceof Collection<?> collection ? collection
                : raw instanceof Object[] array ? Arrays.asList(array) : null;
        if (items == null) {
            throw refused(ClusterConfig.MEMBERS,
                    "must be text (id@address:port, ...), got " + raw.getClass().getSimpleName());
        }
        List<String> entries = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String text)) {
                throw refused(ClusterConfig.MEMBERS, "every entry must be text (id@address:port), got "
                        + (item == null ? "nothing" : item.getClass().getSimpleName()));
            }
            entries.add(text);
        }
        return String.join(",", entries);
    }

    private BigDecimal inRange(Attribute attribute, BigDecimal value, String notANumber)
            throws InvalidConfigurationException {
        String expected = "; expected " + unit(attribute.key()) + " in " + plain(attribute.min()) + ".."
                + plain(attribute.max());
        if (value == null) {
            throw refused(attribute.key(), notANumber + expected);
        }
        if (value.compareTo(new BigDecimal(attribute.min())) < 0 || value.compareTo(new BigDecimal(attribute.max())) > 0) {
            throw refused(attribute.key(), "out of range" + expected);
        }
        return value;
    }

    private InvalidConfigurationException refused(String key, String reason) {
        return new InvalidConfigurationException(key, rendered(key), reason);
    }

    /** What a number of the key counts, for messages. */
    private static String unit(String key) {
        return switch (key) {
            case ClusterConfig.IO_WORKERS -> "threads";
            case ClusterConfig.FAILURE_PHI_THRESHOLD -> "phi";
            default -> key.endsWith(".ms") ? "milliseconds" : "bytes";
        };
    }

    /** A bound for messages: 1.0 as 1, 8.5 as 8.5. */
    private static String plain(String bound) {
        return new BigDecimal(bound).stripTrailingZeros().toPlainString();
    }

    /**
     * The finite number a raw value holds, or null if it holds none: text in plain notation (digits alone for a
     * whole number; never NaN, Infinity, hex or '_'), or a {@link Number} (a whole number without fraction).
     */
    private static BigDecimal number(Object raw, boolean whole) {
        BigDecimal value;
        if (raw instanceof String text) {
            String number = text.strip();
            return (whole ? WHOLE_NUMBER : DECIMAL_NUMBER).matcher(number).matches() ? new BigDecimal(number) : null;
        } else if (raw instanceof Double || raw instanceof Float) {
            double d = ((Number) raw).doubleValue();
            if (!Double.isFinite(d)) {
                return null;
            }
            // Float.toString keeps 8.1f as 8.1 rather than widening it to 8.100000381...
            value = raw instanceof Float f ? new BigDecimal(Float.toString(f)) : BigDecimal.valueOf(d);
        } else if (raw instanceof BigDecimal decimal) {
            value = decimal;
        } else if (raw instanceof BigInteger big) {
            value = new BigDecimal(big);
        } else if (raw instanceof Integer || raw instanceof Long || raw instanceof Short || raw instanceof Byte
                || raw instanceof AtomicInteger || raw instanceof AtomicLong) {
            value = BigDecimal.valueOf(((Number) raw).longValue());
        } else {
            return null;
        }
        return whole && value.stripTrailingZeros().scale() > 0 ? null : value;
    }

    private static List<Attribute> readMetatype() {
        String resource = "/OSGI-INF/metatype/" + ClusterConfig.PID + ".xml";
        try (InputStream in = ClusterConfig.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing: build the bundle with bnd");
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            NodeList definitions = factory.newDocumentBuilder().parse(in).getElementsByTagName("AD");
            List<Attribute> attributes = new ArrayList<>();
            for (int i = 0; i < definitions.getLength(); i++) {
                Element ad = (Element) definitions.item(i);
                attributes.add(new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                        ad.hasAttribute("min") ? ad.getAttribute("min") : null,
                        ad.hasAttribute("max") ? ad.getAttribute("max") : null));
            }
            return List.copyOf(attributes);
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }
}
