package org.cohort.testtools.message;

import org.cohort.api.messaging.MessageSubject;

/** The subjects and lanes the example bundle sends on; every node must agree on them. */
public final class ExampleSubjects {

    /** One-way messages: {@code example:send}, {@code example:broadcast} and the unicast and broadcast loads. */
    public static final String MESSAGE = "example.message";
    /** Requests answered with a small typed reply: the request load. */
    public static final String ECHO = "example.echo";

    /**
     * Not a subject: the name under which a requester's ledger checks the replies it gets (their order,
     * duplicates and gaps per replying node), next to what arrived on the real subjects.
     */
    public static final String ECHO_REPLIES = "example.echo.reply";

    /** {@link #MESSAGE} as a subject. */
    public static final MessageSubject MESSAGE_SUBJECT = MessageSubject.of(MESSAGE);
    /** {@link #ECHO} as a subject. */
    public static final MessageSubject ECHO_SUBJECT = MessageSubject.of(ECHO);

    /** The lane of {@code example:send}, numbered per receiver. */
    public static final String LANE_SEND = "send";
    /** The lane of {@code example:broadcast}, numbered once for all receivers. */
    public static final String LANE_BROADCAST = "broadcast";
    /** The lane of the unicast load, numbered per receiver. */
    public static final String LANE_LOAD_UNICAST = "load-unicast";
    /** The lane of the broadcast load, numbered once for all receivers. */
    public static final String LANE_LOAD_BROADCAST = "load-broadcast";
    /** The lane of the request load, numbered per receiver. */
    public static final String LANE_LOAD_REQUEST = "load-request";
    /** The lane of echo replies; a reply carries the number of the request it answers. */
    public static final String LANE_ECHO_REPLY = "echo-reply";

    private ExampleSubjects() {
    }
}
