package org.cohort.core.handshake;

/** A hello that cannot be read or is refused; the message says why, for the log. */
public final class HelloException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a handshake failed, as counted and shown by {@code cluster:stats}. */
    public enum Reason {
        /** Not a well-formed hello: garbage, truncated, bad magic, or another frame first. */
        MALFORMED("malformed"),
        /** A protocol version this node does not speak. */
        UNSUPPORTED_VERSION("unsupportedVersion"),
        /** Another cluster's name. */
        WRONG_CLUSTER("wrongCluster"),
        /** A node id that is not a member, or this node's own. */
        UNKNOWN_NODE("unknownNode"),
        /** An address or port other than the member's configured one. */
        ADDRESS_MISMATCH("addressMismatch"),
        /** No proof, or a wrong one, of the cluster secret; or a secret on one side only. */
        AUTHENTICATION("authentication"),
        /** The TLS handshake failed: no TLS, an untrusted certificate, no certificate. */
        TLS("tls"),
        /** The peer's certificate names another node than its hello claims. */
        CERTIFICATE_MISMATCH("certificateMismatch"),
        /** No hello within the timeout. */
        TIMEOUT("timeout"),
        /** Normal operation: a duplicate stream, a lost tie-break, a stopping node. Not counted. */
        ROUTINE("routine");

        private final String key;

        Reason(String key) {
            this.key = key;
        }

        /** The name counters and JSON use. */
        public String key() {
            return key;
        }
    }

    private final Reason reason;

    /** A malformed hello. */
    public HelloException(String message) {
        this(Reason.MALFORMED, message);
    }

    public HelloException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** A refusal that is part of normal operation, such as the losing side of a simultaneous connect. */
    public static HelloException routine(String message) {
        return new HelloException(Reason.ROUTINE, message);
    }

    public Reason reason() {
        return reason;
    }

    /** Whether this refusal is normal operation (logged quietly) rather than a misconfigured or hostile peer. */
    public boolean isRoutine() {
        return reason == Reason.ROUTINE;
    }
}
