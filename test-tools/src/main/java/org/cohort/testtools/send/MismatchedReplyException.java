package org.cohort.testtools.send;

/** A reply that does not answer the request it came for. */
public final class MismatchedReplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MismatchedReplyException(String message) {
        super(message);
    }
}
