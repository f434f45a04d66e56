package org.cohort.examples.message;

import org.cohort.api.messaging.MessageSubject;

/**
 * The subjects the example sends on. A subject is a contract between bundles: every node must agree on
 * it and on the payload type carried under it, and only one handler per node may subscribe to it.
 */
public final class ExampleSubjects {

    /** One-way messages: {@code example:send} and {@code example:broadcast}. */
    public static final String MESSAGE = "example.message";
    /** Requests, answered with an ExampleMessage: {@code example:request}. */
    public static final String ECHO = "example.echo";

    /** {@link #MESSAGE} as a subject. */
    public static final MessageSubject MESSAGE_SUBJECT = MessageSubject.of(MESSAGE);
    /** {@link #ECHO} as a subject. */
    public static final MessageSubject ECHO_SUBJECT = MessageSubject.of(ECHO);

    private ExampleSubjects() {
    }
}
