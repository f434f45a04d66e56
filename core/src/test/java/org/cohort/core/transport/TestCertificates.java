package org.cohort.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.core.config.TlsSettings;

/**
 * A throwaway certificate authority and node certificates, made with the JDK's keytool as an operator
 * would: each node's certificate names it in its CN and a DNS subject alternative name.
 */
final class TestCertificates {

    static final String PASSWORD = "test-pass";

    private final Path dir;
    private final String caName;

    /** Creates the CA in {@code dir} (a fresh folder). */
    TestCertificates(Path dir, String caName) {
        this.dir = dir;
        this.caName = caName;
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + caName,
                "-ext", "bc:c", "-validity", "2", "-keystore", ca().toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca().toString(), "-storepass", PASSWORD,
                "-file", caPem().toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem().toString(), "-keystore",
                trustStore().toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    private Path ca() {
        return dir.resolve(caName + "-ca.p12");
    }

    /** The CA's certificate as PEM: a trust store too. */
    Path caPem() {
        return dir.resolve(caName + "-ca.pem");
    }

    /** A PKCS12 trust store holding the CA's certificate. */
    Path trustStore() {
        return dir.resolve(caName + "-trust.p12");
    }

    /** A PKCS12 key store for the node, its certificate signed by this CA. */
    Path nodeKeyStore(String nodeId) {
        Path store = dir.resolve(caName + "-" + nodeId + ".p12");
        if (Files.exists(store)) {
            return store;
        }
        Path request = dir.resolve(caName + "-" + nodeId + ".csr");
        Path signed = dir.resolve(caName + "-" + nodeId + ".pem");
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + nodeId, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "node", "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
                request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca().toString(), "-storepass", PASSWORD, "-infile",
                request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext",
                "san=dns:" + nodeId, "-ext", "eku=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem().toString(), "-keystore",
                store.toString(), "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "node", "-file", signed.toString(), "-keystore", store.toString(),
                "-storepass", PASSWORD);
        return store;
    }

    /** The node's key and certificate chain as one unencrypted PEM file. */
    Path nodePem(String nodeId) {
        Path pem = dir.resolve(caName + "-" + nodeId + "-key-and-chain.pem");
        try (InputStream in = Files.newInputStream(nodeKeyStore(nodeId))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            Key key = store.getKey("node", PASSWORD.toCharArray());
            List<String> blocks = new ArrayList<>();
            blocks.add(block("PRIVATE KEY", key.getEncoded()));
            for (Certificate certificate : store.getCertificateChain("node")) {
                blocks.add(block("CERTIFICATE", certificate.getEncoded()));
            }
            Files.writeString(pem, String.join("", blocks), StandardCharsets.US_ASCII);
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** TLS settings with the node's PKCS12 key store and this CA's trust store. */
    TlsSettings settingsFor(String nodeId) {
        return new TlsSettings(true, nodeKeyStore(nodeId), PASSWORD, trustStore(), PASSWORD);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: "
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
