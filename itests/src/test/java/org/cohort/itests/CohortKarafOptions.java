package org.cohort.itests;

import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;

/** Pax Exam options shared by every container: which Karaf, where Maven artifacts come from, ports. */
final class CohortKarafOptions {

    static final String COHORT_VERSION = required("cohort.version");
    static final String KARAF_VERSION = required("karaf.version");
    static final String FEATURES_URL = "mvn:org.cohort/cohort-features/" + COHORT_VERSION + "/xml/features";
    /** The cluster port each container's one-node cluster listens on; free, never the default 9876. */
    static final String CLUSTER_PORT_PROPERTY = "cohort.itest.cluster.port";

    private CohortKarafOptions() {
    }

    /** Stock Apache Karaf, as a user downloads it; Cohort is not in it. */
    static MavenArtifactUrlReference stockKaraf() {
        return maven("org.apache.karaf", "apache-karaf").type("tar.gz").version(KARAF_VERSION);
    }

    /** Cohort's own distribution, which boots with the cohort feature. */
    static MavenArtifactUrlReference cohortAssembly() {
        return maven("org.cohort", "cohort-karaf-assembly").type("tar.gz").version(COHORT_VERSION);
    }

    static Option[] container(MavenArtifactUrlReference distribution, String name) {
        String localRepository = required("maven.repo.local");
        int clusterPort = freePort();
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(distribution)
                    .karafVersion(KARAF_VERSION)
                    .name(name)
                    .unpackDirectory(new File(required("exam.folder")))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole(),
            keepRuntimeFolder(),
            logLevel(LogLevel.INFO),
            // Resolve from the build's own repository first, then Maven Central only (no snapshot repos).
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.localRepository", localRepository),
            editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg",
                    "org.ops4j.pax.url.mvn.repositories", "https://repo1.maven.org/maven2@id=central"),
            // A free SSH port on loopback, so a running cluster or a parallel build never collides.
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshHost", "127.0.0.1"),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            // The feature's default config is never copied over an existing file, so this one stays.
            editConfigurationFilePut("etc/org.cohort.cluster.cfg", "members", "node-1@127.0.0.1:" + clusterPort),
            systemProperty(CLUSTER_PORT_PROPERTY).value(String.valueOf(clusterPort)),
            // Awaitility, for polling with a deadline inside the container as the unit tests do outside.
            mavenBundle("org.hamcrest", "hamcrest", required("hamcrest.version")),
            mavenBundle("org.awaitility", "awaitility", required("awaitility.version")),
            systemProperty("cohort.version").value(COHORT_VERSION),
            systemProperty("maven.repo.local").value(localRepository),
            // The module flags bin/karaf passes on Java 9+, without which karaf.log fills with errors.
            vmOptions(
                    "-Xmx512m",
                    "--add-reads=java.xml=java.logging",
                    "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
                    "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + KARAF_VERSION + ".jar",
                    "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + KARAF_VERSION + ".jar",
                    "--add-opens", "java.base/java.security=ALL-UNNAMED",
                    "--add-opens", "java.base/java.net=ALL-UNNAMED",
                    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                    "--add-opens", "java.base/java.util=ALL-UNNAMED",
                    "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
                    "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
                    "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
                    "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
                    "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED"),
        };
    }

    /**
     * A port free on loopback now, below Linux's ephemeral range (32768 and up by default): the container
     * binds it seconds later, after Karaf boots, and on a busy host an outgoing connection (the nodes'
     * own dials among them) could otherwise take an ephemeral port in between.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 10000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(22000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port below the ephemeral range on loopback"));
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run through Maven failsafe)");
        }
        return value;
    }
}
