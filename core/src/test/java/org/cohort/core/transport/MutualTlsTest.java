package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.config.ClusterSettings;
import org.cohort.core.config.TlsSettings;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mutual TLS between members over real sockets, with certificates made by keytool: members talk; a
 * stranger's CA, a certificate naming another node, and a plaintext peer are refused and counted; and
 * a store that cannot be used keeps the node from starting rather than letting it talk in plaintext.
 * All of it twice: with the JDK's engine, and with Netty's OpenSSL engine, which must load here (the
 * linux-x86_64 netty-tcnative-boringssl-static jar is a dependency of core).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@ParameterizedClass
@EnumSource(value = TlsSettings.Engine.class, names = {"JDK", "OPENSSL"})
class MutualTlsTest {

    @Parameter
    TlsSettings.Engine engine;

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    static Path certificates;
    private static TestCertificates clusterCa;
    private static TestCertificates otherCa;

    private final InProcessCluster cluster = InProcessCluster.recording(3);

    @BeforeAll
    static void makeCertificates() {
        clusterCa = new TestCertificates(certificates, "cluster");
        otherCa = new TestCertificates(certificates, "other");
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private void start(int k, TlsSettings tls) {
        cluster.create(cluster.settings(k).withTls(tls.withEngine(engine))).start();
    }

    /** The engine behind a stream's TLS: Netty's OpenSSL engine, or the JDK's. */
    private static SSLEngine engineOf(Stream stream) {
        return stream.channel().pipeline().get(SslHandler.class).engine();
    }

    private long refused(int k, String reason) {
        return cluster.node(k).manager.handshakesRefusedByReason().get(reason);
    }

    @Test
    void membersWithCertificatesFromTheClusterCaTalkOverTls() {
        start(1, clusterCa.settingsFor("n1"));
        // PEM files work as well as PKCS12: node 2's key and chain, and the CA, as PEM
        start(2, new TlsSettings(true, clusterCa.nodePem("n2"), "", clusterCa.caPem(), ""));
        start(3, clusterCa.settingsFor("n3"));

        await().atMost(WAIT).untilAsserted(() -> {
            for (int k = 1; k <= 3; k++) {
                assertThat(cluster.node(k).manager.connectedPeers()).hasSize(2);
            }
        });
        ClusterMessage message = new ClusterMessage(InProcessCluster.id(2), MessageSubject.of("tls"), new byte[70_000]);
        assertThat(cluster.node(2).manager.send(InProcessCluster.id(3), message)).isTrue();
        await().atMost(WAIT).until(() -> message.equals(cluster.node(3).commsDelegate.messages.peek()));
        assertThat(refused(1, "tls") + refused(1, "certificateMismatch")).isZero();

        boolean openSsl = engine == TlsSettings.Engine.OPENSSL;
        assertThat(OpenSsl.isAvailable()).as("OpenSSL loads here: %s", OpenSsl.unavailabilityCause()).isTrue();
        for (int k = 1; k <= 3; k++) {
            assertThat(cluster.node(k).manager.tlsEngine()).startsWith(openSsl ? "OpenSSL engine" : "JDK engine");
            assertThat(cluster.node(k).manager.tlsSessions()).isNotEmpty()
                    .allSatisfy(session -> assertThat(session).startsWith("TLSv1.3 TLS_"));
            assertThat(cluster.node(k).manager.table().all()).isNotEmpty().allSatisfy(stream ->
                    assertThat(engineOf(stream) instanceof ReferenceCountedOpenSslEngine)
                            .as("%s", engineOf(stream).getClass()).isEqualTo(openSsl));
        }
    }

    @Test
    void autoPicksOpenSslWhereItLoadsAndJdkIsAlwaysTheJdk() {
        TlsSettings tls = clusterCa.settingsFor("n1");
        assertThat(TlsContexts.choose(tls).name()).isEqualTo("OpenSSL");
        assertThat(TlsContexts.choose(tls.withEngine(TlsSettings.Engine.OPENSSL)).name()).isEqualTo("OpenSSL");
        assertThat(TlsContexts.choose(tls.withEngine(TlsSettings.Engine.JDK)).name()).isEqualTo("JDK");
        assertThat(TlsContexts.choose(new TlsSettings(true, clusterCa.nodePem("n1"), "", clusterCa.caPem(), ""))
                .description()).isEqualTo("OpenSSL engine (" + OpenSsl.versionString() + ")");
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAndTheMembersCarryOn() {
        start(1, clusterCa.settingsFor("n1"));
        start(2, new TlsSettings(true, otherCa.nodeKeyStore("n2"), TestCertificates.PASSWORD,
                clusterCa.trustStore(), TestCertificates.PASSWORD));
        start(3, clusterCa.settingsFor("n3"));

        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().contains(InProcessCluster.id(3)));
        await().atMost(WAIT).until(() -> refused(1, "tls") > 0 && refused(3, "tls") > 0);
        assertThat(cluster.node(1).manager.connectedPeers()).containsExactly(InProcessCluster.id(3));
        assertThat(cluster.node(2).manager.connectedPeers()).isEmpty();
    }

    @Test
    void aCertificateThatNamesAnotherNodeThanTheHelloIsRefused() {
        start(1, clusterCa.settingsFor("n1"));
        // node 2 holds a good certificate, but node 3's
        start(2, clusterCa.settingsFor("n3"));

        await().atMost(WAIT).until(() -> refused(1, "certificateMismatch") > 0);
        assertThat(cluster.node(1).manager.connectedPeers()).isEmpty();
        assertThat(cluster.node(1).nodesDelegate.events).isEmpty();
    }

    @Test
    void aPlaintextPeerIsRefusedBeforeItsHelloIsRead() throws IOException {
        start(1, clusterCa.settingsFor("n1"));
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(cluster.member(2).ip(), 0));
            socket.connect(new InetSocketAddress(cluster.member(1).ip(), cluster.member(1).tcpPort()), 2000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(FakePeer.helloFrame(cluster.member(2), 7));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(64);

            assertThat(answer).as("no hello comes back in plaintext").doesNotContain(
                    (byte) 'C', (byte) 'H', (byte) 'R', (byte) 'T');
        }
        await().atMost(WAIT).until(() -> refused(1, "tls") == 1);
        assertThat(cluster.node(1).nodesDelegate.events).isEmpty();
    }

    @Test
    void aMissingOrWrongStoreKeepsTheNodeFromStartingAtAll() throws IOException {
        ClusterSettings base = cluster.settings(1);
        Path missing = certificates.resolve("no-such.p12");
        Path garbage = Files.writeString(certificates.resolve("garbage.p12"), "not a key store");

        assertFailsToStart(base.withTls(new TlsSettings(true, missing, "x", clusterCa.trustStore(),
                TestCertificates.PASSWORD)), "key store " + missing, "no such file");
        assertFailsToStart(base.withTls(new TlsSettings(true, garbage, "x", clusterCa.trustStore(),
                TestCertificates.PASSWORD)), "key store " + garbage);
        assertFailsToStart(base.withTls(new TlsSettings(true, clusterCa.nodeKeyStore("n1"), "wrong password",
                clusterCa.trustStore(), TestCertificates.PASSWORD)), "key store");
        assertFailsToStart(base.withTls(new TlsSettings(true, clusterCa.nodeKeyStore("n1"), TestCertificates.PASSWORD,
                missing, "")), "trust store " + missing);
    }

    @Test
    void aMissingOrWrongPemStoreKeepsTheNodeFromStartingAtAll() throws IOException {
        ClusterSettings base = cluster.settings(1);
        Path missing = certificates.resolve("no-such.pem");
        Path garbage = Files.writeString(certificates.resolve("garbage.pem"), "not a PEM file");
        Path certificateOnly = clusterCa.caPem();

        assertFailsToStart(base.withTls(new TlsSettings(true, missing, "", clusterCa.caPem(), "")),
                "key store " + missing, "no such file");
        assertFailsToStart(base.withTls(new TlsSettings(true, garbage, "", clusterCa.caPem(), "")),
                "key store " + garbage);
        assertFailsToStart(base.withTls(new TlsSettings(true, certificateOnly, "", clusterCa.caPem(), "")),
                "key store " + certificateOnly, "private key");
        assertFailsToStart(base.withTls(new TlsSettings(true, clusterCa.nodePem("n1"), "", missing, "")),
                "trust store " + missing, "no such file");
        assertFailsToStart(base.withTls(new TlsSettings(true, clusterCa.nodePem("n1"), "", garbage, "")),
                "trust store " + garbage, "certificates");
    }

    private void assertFailsToStart(ClusterSettings settings, String... messageParts) throws IOException {
        InProcessNode node = cluster.create(settings.withTls(settings.tls().withEngine(engine)));

        assertThatThrownBy(node::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TLS is on").hasMessageContaining(messageParts[0])
                .hasMessageContaining(messageParts.length > 1 ? messageParts[1] : "");
        // nothing listens: the port is free, so no peer could have talked to it in plaintext either
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(settings.localNode().ip(), settings.localNode().tcpPort()));
        }
        node.stop();
    }
}
