package org.cohort.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * docs/configuration.md documents every key of PID {@value ClusterConfig#PID} with the type, default and
 * range of the metatype Karaf shows (the XML bnd generates from {@link ClusterConfig}), plus the
 * reference targets of the components configured by that PID, and nothing else; and the default
 * org.cohort.cluster.cfg lists every key at its default.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");
    private static final Path CFG = Path.of("../features/src/main/cfg/org.cohort.cluster.cfg");
    private static final Path DESCRIPTORS = Path.of("target/classes/OSGI-INF");
    private static final Path METATYPE = DESCRIPTORS.resolve("metatype").resolve(ClusterConfig.PID + ".xml");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    /** One attribute definition of the metatype. */
    record Attribute(String id, String type, String defaultValue, String min, String max) {
    }

    /**
     * One row of a table in the page, keyed by the code span of its first cell; the default is the code
     * span of its cell, or null if the cell has none (an empty default is written out in words).
     */
    record Row(String key, String type, String defaultValue, String defaultCell, String range, String meaning) {
    }

    private static Map<String, Attribute> metatype;
    private static Map<String, String> referenceTargets;
    private static Map<String, Row> documented;

    @BeforeAll
    static void read() throws Exception {
        assertThat(METATYPE).as("the metatype bnd generates, exported to target/classes by the bundle plugin's "
                + "manifest goal at process-classes: run the test through Maven").exists();
        metatype = metatype();
        referenceTargets = referenceTargets();
        documented = documented();
    }

    private static Document parse(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static String attribute(Element element, String name) {
        return element.hasAttribute(name) ? element.getAttribute(name) : null;
    }

    private static Map<String, Attribute> metatype() throws Exception {
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        NodeList definitions = parse(METATYPE).getElementsByTagName("AD");
        for (int i = 0; i < definitions.getLength(); i++) {
            Element ad = (Element) definitions.item(i);
            attributes.put(ad.getAttribute("id"), new Attribute(ad.getAttribute("id"), ad.getAttribute("type"),
                    attribute(ad, "default"), attribute(ad, "min"), attribute(ad, "max")));
        }
        assertThat(attributes).as("attributes of " + METATYPE).containsKeys(ClusterConfig.CLUSTER_NAME,
                ClusterConfig.MEMBERS, ClusterConfig.MESSAGE_MAX_BYTES);
        return attributes;
    }

    /** {@code <reference>.target} of every reference with a target, in components configured by the PID. */
    private static Map<String, String> referenceTargets() throws Exception {
        Map<String, String> targets = new LinkedHashMap<>();
        List<Path> descriptors;
        try (Stream<Path> files = Files.list(DESCRIPTORS)) {
            descriptors = files.filter(file -> file.toString().endsWith(".xml")).sorted().toList();
        }
        for (Path descriptor : descriptors) {
            Element component = parse(descriptor).getDocumentElement();
            String pids = component.getAttribute("configuration-pid");
            if (!Arrays.asList(pids.split("\\s+")).contains(ClusterConfig.PID)) {
                continue;
            }
            NodeList references = component.getElementsByTagName("reference");
            for (int i = 0; i < references.getLength(); i++) {
                Element reference = (Element) references.item(i);
                if (reference.hasAttribute("target")) {
                    targets.put(reference.getAttribute("name") + ".target", reference.getAttribute("target"));
                }
            }
        }
        return targets;
    }

    private static Map<String, Row> documented() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC)) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String[] cells = line.substring(1, line.length() - (line.endsWith("|") ? 1 : 0)).split("\\|", -1);
            assertThat(cells).as("cells of: " + line).hasSize(5);
            String key = code(cells[0]);
            Matcher defaultValue = CODE.matcher(cells[2]);
            Row row = new Row(key, cells[1].strip(), defaultValue.find() ? defaultValue.group(1) : null,
                    cells[2].strip(), cells[3].strip(), cells[4].strip());
            assertThat(rows.put(key, row)).as(key + " is documented once").isNull();
            assertThat(row.meaning()).as("meaning of " + key).isNotBlank();
        }
        return rows;
    }

    /** The first code span of a cell. */
    private static String code(String cell) {
        Matcher matcher = CODE.matcher(cell);
        assertThat(matcher.find()).as("a `code` span in: " + cell).isTrue();
        return matcher.group(1);
    }

    private static boolean sameValue(String type, String expected, String actual) {
        return switch (type) {
            case "Integer", "Long", "Short", "Byte", "Double", "Float" ->
                new BigDecimal(expected.strip()).compareTo(new BigDecimal(actual.strip())) == 0;
            default -> expected.equals(actual);
        };
    }

    @Test
    void everyMetatypeKeyIsDocumentedWithItsTypeDefaultAndRange() {
        List<String> problems = new ArrayList<>();
        for (Attribute attribute : metatype.values()) {
            Row row = documented.get(attribute.id());
            if (row == null) {
                problems.add(attribute.id() + " is not documented");
                continue;
            }
            if (!row.type().startsWith(attribute.type())) {
                problems.add(attribute.id() + ": type " + row.type() + ", the metatype says " + attribute.type());
            }
            if (attribute.defaultValue() == null || attribute.defaultValue().isEmpty()) {
                if (row.defaultValue() != null || !row.defaultCell().toLowerCase(Locale.ROOT).startsWith("empty")) {
                    problems.add(attribute.id() + ": default '" + row.defaultCell() + "', the metatype has none: "
                            + "write 'empty', without a code span");
                }
            } else if (row.defaultValue() == null
                    || !sameValue(attribute.type(), attribute.defaultValue(), row.defaultValue())) {
                problems.add(attribute.id() + ": default " + row.defaultValue() + ", the metatype says "
                        + attribute.defaultValue());
            }
            for (String bound : Arrays.asList(attribute.min(), attribute.max())) {
                if (bound != null && !Pattern.compile("(?<![\\d.])" + Pattern.quote(bound) + "(?![\\d.])")
                        .matcher(row.range()).find()) {
                    problems.add(attribute.id() + ": range '" + row.range() + "' does not name the bound " + bound);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyReferenceTargetIsDocumentedWithItsDefaultFilter() {
        assertThat(referenceTargets).containsOnlyKeys("nodesDelegate.target", "commsDelegate.target");
        referenceTargets.forEach((key, target) -> {
            assertThat(documented).containsKey(key);
            assertThat(documented.get(key).defaultValue()).as("default of " + key).isEqualTo(target);
            assertThat(metatype).as(key + " is a reference target, not a metatype key").doesNotContainKey(key);
            assertThat(documented.get(key).type()).as("type of " + key).startsWith("String");
        });
    }

    @Test
    void nothingIsDocumentedThatTheMetatypeOrTheComponentsDoNotDeclare() {
        Set<String> declared = new LinkedHashSet<>(metatype.keySet());
        declared.addAll(referenceTargets.keySet());
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void theDefaultCfgListsEveryKeyAtItsDefaultAndTheTargetsCommentedOut() throws IOException {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> commented = new LinkedHashMap<>();
        Pattern entry = Pattern.compile("(#\\s*)?([A-Za-z][\\w.]*)\\s*=\\s*(.*)");
        for (String line : Files.readAllLines(CFG)) {
            Matcher matcher = entry.matcher(line.strip());
            if (matcher.matches()) {
                (matcher.group(1) == null ? set : commented).put(matcher.group(2), matcher.group(3).strip());
            }
        }
        assertThat(set.keySet()).containsExactlyInAnyOrderElementsOf(metatype.keySet());
        metatype.values().forEach(attribute -> assertThat(sameValue(attribute.type(),
                attribute.defaultValue() == null ? "" : attribute.defaultValue(), set.get(attribute.id())))
                .as(attribute.id() + " = " + set.get(attribute.id()) + " in " + CFG + ", default "
                        + attribute.defaultValue())
                .isTrue());
        referenceTargets.forEach((key, target) -> assertThat(commented).containsEntry(key, target));
    }
}
