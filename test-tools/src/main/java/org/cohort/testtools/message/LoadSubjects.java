package org.cohort.testtools.message;

import org.cohort.api.messaging.MessageSubject;

/**
 * The subjects and lanes the test tools send on; every node must agree on them. They are the test
 * tools' own, apart from the example bundle's, so that both can be installed together and the example
 * can change freely.
 */
public final class LoadSubjects {

    /** One-way messages: the unicast and broadcast loads. */
    public static final String MESSAGE = "cohort.testtools.message";
    /** Requests answered with a small typed reply: the request load. */
    public static final String ECHO = "cohort.testtools.echo";

    /**
     * Not a subject: the name under which a requester's ledger checks the replies it gets (their order,
     * duplicates and gaps per replying node), next to what arrived on the real subjects.
     */
    public static final String ECHO_REPLIES = "cohort.testtools.echo.reply";

    /** {@link #MESSAGE} as a subject. */
    public static final MessageSubject MESSAGE_SUBJECT = MessageSubject.of(MESSAGE);
    /** {@link #ECHO} as a subject. */
    public static final MessageSubject ECHO_SUBJECT = MessageSubject.of(ECHO);

    /** The lane of the unicast load, numbered per receiver. */
    public static final String LANE_LOAD_UNICAST = "load-unicast";
    /** The lane of the deliver load (one-way through {@code deliver}), numbered per receiver. */
    public static final String LANE_LOAD_DELIVER = "load-deliver";
    /** The lane of the broadcast load, numbered once for all receivers. */
    public static final String LANE_LOAD_BROADCAST = "load-broadcast";
    /** The lane of the request load, numbered per receiver. */
    public static final String LANE_LOAD_REQUEST = "load-request";
    /** The lane of echo replies; a reply carries the number of the request it answers. */
    public static final String LANE_ECHO_REPLY = "echo-reply";

    private LoadSubjects() {
    }
}
