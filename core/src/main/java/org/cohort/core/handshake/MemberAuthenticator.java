package org.cohort.core.handshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.cohort.core.config.ClusterSecret;
import org.cohort.core.runtime.Randomness;

/**
 * Proves membership with the cluster secret, in the hello's extension room, without sending it.
 *
 * <p>Both hellos carry a fresh random nonce. The acceptor's hello carries its proof, and the dialer then
 * sends its own in a {@code PROOF} frame: each proof is HMAC-SHA256, keyed by the secret, over a
 * transcript of the exchange (cluster, both node ids, incarnations and nonces) and the prover's role.
 * Each side's proof covers the nonce the other side just drew, so a recorded handshake is worthless
 * on a new stream; the role keeps one side's proof from serving as the other's.
 */
public final class MemberAuthenticator {

    /** Extension naming the scheme, present when the sender has a cluster secret. */
    public static final String SCHEME_EXTENSION = "auth";
    /** Extension carrying the sender's nonce. */
    public static final String NONCE_EXTENSION = "nonce";
    /** Extension carrying the acceptor's proof. */
    public static final String PROOF_EXTENSION = "proof";

    static final byte[] SCHEME = "hmac-sha256".getBytes(StandardCharsets.US_ASCII);
    /** A nonce's size; public for the fuzz module's hello seeds (org.cohort.fuzz.handshake). */
    public static final int NONCE_BYTES = 32;
    /** A proof's size; public for the fuzz module's hello seeds (org.cohort.fuzz.handshake). */
    public static final int PROOF_BYTES = 32;
    private static final byte[] CONTEXT = "cohort-handshake-v1".getBytes(StandardCharsets.US_ASCII);
    /** For authenticators made without a runtime's randomness (tests, tools): the platform's secure one. */
    private static final Randomness SECURE = Randomness.secure();

    /** Who proves. */
    enum Role {
        DIALER,
        ACCEPTOR
    }

    private final SecretKeySpec key;
    private final Randomness randomness;

    /** An authenticator for the secret, nonces from the platform's secure randomness. */
    public MemberAuthenticator(ClusterSecret secret) {
        this(secret, SECURE);
    }

    /**
     * An authenticator for the secret; with {@link ClusterSecret#NONE}, {@link #enabled()} is false.
     *
     * @param randomness where the nonces come from: the node's (a seeded one only in a simulation)
     */
    public MemberAuthenticator(ClusterSecret secret, Randomness randomness) {
        this.key = secret.isSet() ? new SecretKeySpec(secret.key(), "HmacSHA256") : null;
        this.randomness = randomness;
    }

    public boolean enabled() {
        return key != null;
    }

    /** Whether a peer's hello says it authenticates with a cluster secret. */
    static boolean offered(Hello hello) {
        return hello.extensions().containsKey(SCHEME_EXTENSION);
    }

    byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        randomness.nextBytes(nonce);
        return nonce;
    }

    /**
     * The local hello for one stream: with the scheme and a fresh nonce (and the acceptor's proof). Public
     * for the fuzz module's hello seeds (org.cohort.fuzz.handshake), which write them with fixed nonces.
     */
    public static Hello withAuthentication(Hello hello, byte[] nonce, byte[] proof) {
        Map<String, byte[]> extensions = new HashMap<>(hello.extensions());
        extensions.put(SCHEME_EXTENSION, SCHEME);
        extensions.put(NONCE_EXTENSION, nonce);
        if (proof != null) {
            extensions.put(PROOF_EXTENSION, proof);
        }
        return new Hello(hello.version(), hello.clusterName(), hello.nodeId(), hello.address(), hello.port(),
                hello.incarnation(), extensions);
    }

    /** The peer's nonce, checked for scheme and size. */
    static byte[] peerNonce(Hello peer) throws HelloException {
        byte[] scheme = peer.extensions().get(SCHEME_EXTENSION);
        if (scheme == null) {
            throw new HelloException(HelloException.Reason.AUTHENTICATION,
                    "the peer has no cluster secret, and this node requires one");
        }
        if (!MessageDigest.isEqual(scheme, SCHEME)) {
            throw new HelloException(HelloException.Reason.AUTHENTICATION, "unknown authentication scheme");
        }
        byte[] nonce = peer.extensions().get(NONCE_EXTENSION);
        if (nonce == null || nonce.length != NONCE_BYTES) {
            throw new HelloException(HelloException.Reason.AUTHENTICATION, "no valid nonce");
        }
        return nonce;
    }

    /** The proof of {@code role} for the exchange between these two hellos (each with its nonce). */
    byte[] proof(Role role, Hello dialer, Hello acceptor) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(CONTEXT);
            mac.update((byte) role.ordinal());
            field(mac, dialer.clusterName().getBytes(StandardCharsets.UTF_8));
            for (Hello side : new Hello[] {dialer, acceptor}) {
                field(mac, side.nodeId().id().getBytes(StandardCharsets.US_ASCII));
                mac.update(ByteBuffer.allocate(Long.BYTES).putLong(side.incarnation()).array());
                field(mac, side.extensions().getOrDefault(NONCE_EXTENSION, new byte[0]));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Checks a proof in constant time. */
    void verify(Role role, Hello dialer, Hello acceptor, byte[] proof) throws HelloException {
        if (proof == null || proof.length != PROOF_BYTES
                || !MessageDigest.isEqual(proof, proof(role, dialer, acceptor))) {
            throw new HelloException(HelloException.Reason.AUTHENTICATION,
                    "the peer did not prove that it knows the cluster secret");
        }
    }

    /** Length-prefixed, so that no two transcripts run together the same way. */
    private static void field(Mac mac, byte[] bytes) {
        mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        mac.update(bytes);
    }
}
