package org.cohort.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * What a user gets when unpacking the distribution, before any test harness edits it: SSH and JMX on
 * loopback, the documented login, Cohort booting. (The Pax Exam tests override ports, so they cannot
 * see these.)
 */
public class AssemblyLayoutIT {

    private static final String CLUSTER_CFG = "org.cohort.cluster.cfg";
    private static final Map<String, byte[]> ETC = new HashMap<>();
    /** Every file under system/, as a path relative to it. */
    private static final Set<String> SYSTEM = new TreeSet<>();
    private static String featuresXml;
    private static final List<String> WANTED = List.of("org.apache.karaf.shell.cfg", "org.apache.karaf.management.cfg",
            "users.properties", "org.apache.karaf.features.cfg");

    @BeforeClass
    public static void readEtcFromTarball() throws IOException {
        String version = System.getProperty("cohort.version");
        Path tarball = Path.of(System.getProperty("maven.repo.local"), "org", "cohort", "cohort-karaf-assembly",
                version, "cohort-karaf-assembly-" + version + ".tar.gz");
        assertTrue(tarball + " exists", Files.isRegularFile(tarball));
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tarball)));
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String[] parts = entry.getName().split("/");
                if (parts.length > 2 && parts[1].equals("system") && !entry.isDirectory()) {
                    SYSTEM.add(entry.getName().substring(parts[0].length() + "/system/".length()));
                }
                if (entry.getName().endsWith("/cohort-features-" + version + "-features.xml")) {
                    featuresXml = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                } else if (parts.length == 3 && parts[1].equals("etc") && WANTED.contains(parts[2])) {
                    ETC.put(parts[2], tar.readAllBytes());
                } else if (entry.getName().endsWith("/cohort-features-" + version + "-cluster.cfg")) {
                    // Installed into etc/ by the cohort feature at first boot.
                    ETC.put(CLUSTER_CFG, tar.readAllBytes());
                }
            }
        }
        assertEquals("etc files found in " + tarball, WANTED.size() + 1, ETC.size());
    }

    @Test
    public void aFreshUnpackIsAOneNodeClusterOnLoopback() throws IOException {
        Properties cluster = etc(CLUSTER_CFG);
        assertEquals("node-1", cluster.getProperty("node.id"));
        assertEquals("node-1@127.0.0.1:9876", cluster.getProperty("members"));
    }

    private static Properties etc(String file) throws IOException {
        Properties properties = new Properties();
        properties.load(new ByteArrayInputStream(ETC.get(file)));
        return properties;
    }

    @Test
    public void sshListensOnLoopbackPort8101() throws IOException {
        Properties shell = etc("org.apache.karaf.shell.cfg");
        assertEquals("127.0.0.1", shell.getProperty("sshHost"));
        assertEquals("8101", shell.getProperty("sshPort"));
    }

    @Test
    public void jmxListensOnLoopback() throws IOException {
        Properties management = etc("org.apache.karaf.management.cfg");
        assertEquals("127.0.0.1", management.getProperty("rmiRegistryHost"));
        assertEquals("127.0.0.1", management.getProperty("rmiServerHost"));
    }

    @Test
    public void theDocumentedKarafLoginExistsWithAdminRights() throws IOException {
        Properties users = etc("users.properties");
        String karaf = users.getProperty("karaf");
        assertNotNull("user karaf is defined", karaf);
        assertTrue(karaf, karaf.startsWith("karaf,") && karaf.contains("_g_:admingroup"));
        assertTrue(users.getProperty("_g_:admingroup"), users.getProperty("_g_:admingroup").contains("admin"));
        String text = new String(ETC.get("users.properties"), StandardCharsets.UTF_8);
        assertTrue("the file warns to change the password", text.contains("change this password"));
    }

    @Test
    public void cohortIsABootFeature() throws IOException {
        String boot = etc("org.apache.karaf.features.cfg").getProperty("featuresBoot");
        assertTrue(boot, boot.matches("(?s).*\\bcohort/.*"));
        assertTrue(boot, boot.matches("(?s).*\\bscr/.*"));
    }

    @Test
    public void theExampleFeatureShipsInSystemWithoutBooting() throws IOException {
        shipsInSystemWithoutBooting("cohort-example", "cohort-examples");
    }

    @Test
    public void theTestToolsFeatureShipsInSystemWithoutBooting() throws IOException {
        shipsInSystemWithoutBooting("cohort-test-tools", "cohort-test-tools");
    }

    /** The feature is defined, its bundle is in system/ for an offline feature:install, and it does not boot. */
    private void shipsInSystemWithoutBooting(String feature, String artifactId) throws IOException {
        String version = System.getProperty("cohort.version");
        String jar = "org/cohort/" + artifactId + "/" + version + "/" + artifactId + "-" + version + ".jar";
        assertTrue("system/ holds " + jar + " for an offline feature:install " + feature + "; it holds "
                + SYSTEM.stream().filter(path -> path.startsWith("org/cohort/")).toList(), SYSTEM.contains(jar));
        assertNotNull("the features repository is in system/", featuresXml);
        assertTrue("the repository defines " + feature, featuresXml.contains("<feature name=\"" + feature + "\""));
        String boot = etc("org.apache.karaf.features.cfg").getProperty("featuresBoot");
        assertFalse(feature + " is not a boot feature: " + boot, boot.matches("(?s).*\\b" + feature + "\\b.*"));
    }
}
