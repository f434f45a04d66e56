package org.cohort.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The metatype, its descriptions, the parser and the shipped .cfg file describe the same keys with the same defaults. */
public class ClusterConfigTest {

    public static final Set<String> KEYS = Set.of("cluster.name", "node.id", "members", "io.workers",
            "custodian.interval.ms", "connect.timeout.ms", "reconnect.backoff.max.ms", "hello.timeout.ms",
            "message.max.bytes", "reassembly.max.bytes", "outbound.queue.max.bytes", "heartbeat.interval.ms", "failure.phi.threshold",
            "failure.min.stddev.ms", "failure.acceptable.pause.ms", "leave.timeout.ms", "cluster.secret",
            "delivery.resend.max.bytes", "delivery.window.messages", "delivery.window.bytes", "delivery.linger.ms",
            "delivery.at.most.once.subjects",
            "tls.enabled", "tls.keystore", "tls.keystore.password", "tls.truststore", "tls.truststore.password",
            "tls.engine");

    /** OSGi name mangling of a method name to a property key, for the names this interface uses. */
    private static String key(Method method) {
        return method.getName().replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    /** The attribute methods; their metatype annotations have CLASS retention, bnd reads them, reflection cannot. */
    private static List<Method> attributes() {
        return Arrays.stream(ClusterConfig.class.getDeclaredMethods()).filter(method -> !method.isSynthetic()).toList();
    }

    @Test
    void theMetatypeDeclaresExactlyTheKeys() {
        assertThat(attributes()).extracting(ClusterConfigTest::key).containsExactlyInAnyOrderElementsOf(KEYS);
        assertThat(attributes()).extracting(Method::getName).allSatisfy(name -> assertThat(name).doesNotContain("$"));
    }

    @Test
    void theMetatypeKeyConstantsAreTheMangledMethodNames() throws Exception {
        for (Method method : attributes()) {
            String constant = method.getName().toUpperCase();
            assertThat(ClusterConfig.class.getField(constant).get(null)).as(constant).isEqualTo(key(method));
        }
    }

    @Test
    void theMetatypeDefaultsAreTheParsersDefaults() throws Exception {
        Map<String, Object> annotationDefaults = new HashMap<>();
        for (Method method : attributes()) {
            annotationDefaults.put(key(method), method.getDefaultValue());
        }
        assertThat(annotationDefaults.get("io.workers")).isInstanceOf(Integer.class);
        assertThat(annotationDefaults.get("outbound.queue.max.bytes")).isInstanceOf(Long.class);
        assertThat(annotationDefaults.get("failure.phi.threshold")).isInstanceOf(Double.class);
        assertThat(annotationDefaults.get("heartbeat.interval.ms")).isInstanceOf(Integer.class);
        assertThat(ClusterSettings.defaults().failureDetection()).isEqualTo(FailureDetectionSettings.DEFAULTS);

        assertThat(ClusterSettingsParser.parse(annotationDefaults)).isEqualTo(ClusterSettings.defaults());
        Map<String, Object> asText = annotationDefaults.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> String.valueOf(entry.getValue())));
        assertThat(ClusterSettingsParser.parse(asText)).isEqualTo(ClusterSettings.defaults());
    }

    /** The descriptions the web console shows name the range and default declared beside them, in the metatype. */
    @Test
    void everyDescriptionNamesItsRangeAndDefault() throws Exception {
        Path metatype = Path.of("target/classes/OSGI-INF/metatype/" + ClusterConfig.PID + ".xml");
        NodeList definitions;
        try (InputStream in = Files.newInputStream(metatype)) {
            definitions = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in).getElementsByTagName("AD");
        }
        assertThat(definitions.getLength()).isEqualTo(KEYS.size());
        for (int i = 0; i < definitions.getLength(); i++) {
            Element ad = (Element) definitions.item(i);
            String description = ad.getAttribute("description");
            if (ad.hasAttribute("min")) {
                assertThat(description).as(ad.getAttribute("id")).containsPattern("\\b" + ad.getAttribute("min")
                        + "( \\([0-9]+ [KMG]iB\\))? to " + ad.getAttribute("max") + "\\b");
            }
            String defaultValue = ad.getAttribute("default");
            assertThat(description).as(ad.getAttribute("id"))
                    .contains(defaultValue.isEmpty() ? "Default: empty" : "Default: " + defaultValue);
        }
        assertThat(RawValues.ATTRIBUTES).extracting(RawValues.Attribute::key).containsExactlyInAnyOrderElementsOf(KEYS);
    }

    @Test
    void theShippedCfgFileListsEveryKeyAtItsDefault() throws IOException, InvalidConfigurationException {
        Path cfg = Path.of(System.getProperty("basedir", "."))
                .resolve("../features/src/main/cfg/org.cohort.cluster.cfg").normalize();
        assertThat(cfg).isRegularFile();
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(cfg, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, Object> values = new HashMap<>();
        properties.forEach((key, value) -> values.put((String) key, value));

        assertThat(new TreeSet<>(values.keySet())).isEqualTo(new TreeSet<>(KEYS));
        assertThat(values).containsEntry("cluster.name", "cohort").containsEntry("node.id", "node-1")
                .containsEntry("members", "node-1@127.0.0.1:9876").containsEntry("failure.phi.threshold", "8");
        assertThat(ClusterSettingsParser.parse(values)).isEqualTo(ClusterSettings.defaults());
        assertThat(ClusterSettingsParser.parse(properties)).as("as an embedded node reads the file")
                .isEqualTo(ClusterSettings.defaults());
    }
}
