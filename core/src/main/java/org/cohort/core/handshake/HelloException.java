package org.cohort.core.handshake;

/** A hello that cannot be read or is refused; the message says why, for the log. */
public final class HelloException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean routine;

    public HelloException(String message) {
        this(message, false);
    }

    private HelloException(String message, boolean routine) {
        super(message, null, false, false);
        this.routine = routine;
    }

    /** A refusal that is part of normal operation, such as the losing side of a simultaneous connect. */
    public static HelloException routine(String message) {
        return new HelloException(message, true);
    }

    /** Whether this refusal is normal operation (logged quietly) rather than a misconfigured or hostile peer. */
    public boolean isRoutine() {
        return routine;
    }
}
