package org.cohort.api.messaging;

/**
 * The peer received the request but nothing there subscribes to its subject.
 */
public class NoRemoteHandlerException extends MessagingException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     */
    public NoRemoteHandlerException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for the log
     * @param cause the underlying failure
     */
    public NoRemoteHandlerException(String message, Throwable cause) {
        super(message, cause);
    }
}
