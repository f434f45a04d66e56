package org.cohort.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway CA and one PKCS12 key store per node, made with the JDK's keytool as an operator would
 * (and as core's tests do): each node's certificate names it in its CN and a DNS subject alternative name.
 */
final class Certificates {

    static final String PASSWORD = "bench-pass";

    private Certificates() {
    }

    static Path trustStore(Path dir) {
        return dir.resolve("trust.p12");
    }

    static Path keyStore(Path dir, String nodeId) {
        return dir.resolve(nodeId + ".p12");
    }

    /** Makes the CA, the trust store and the key stores of nodes n1..n{count} in {@code dir}. */
    static void create(Path dir, int count) throws IOException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=bench-ca",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD,
                "-file", caPem.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                trustStore(dir).toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        for (int k = 1; k <= count; k++) {
            String nodeId = CohortTransport.nodeName(k);
            Path store = keyStore(dir, nodeId);
            Path request = dir.resolve(nodeId + ".csr");
            Path signed = dir.resolve(nodeId + ".pem");
            keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=" + nodeId, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", PASSWORD);
            keytool("-certreq", "-alias", "node", "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
                    request.toString());
            keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-infile",
                    request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2", "-ext",
                    "san=dns:" + nodeId, "-ext", "eku=serverAuth,clientAuth");
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                    store.toString(), "-storepass", PASSWORD);
            keytool("-importcert", "-alias", "node", "-file", signed.toString(), "-keystore", store.toString(),
                    "-storepass", PASSWORD);
        }
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
