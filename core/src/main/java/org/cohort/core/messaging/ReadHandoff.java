package org.cohort.core.messaging;

import java.util.ArrayList;
import java.util.List;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.CreditAccount;
import org.cohort.core.delivery.Intake;

/**
 * One stream's reads as its {@link SubjectDispatcher} sees them: each subject's messages taken during a
 * read wait in a chain of their own, and {@link #handOff} puts each chain on its subject's waiting stack
 * in one push, which wakes the subject's executor at most once. A handler that keeps up with the stream
 * would otherwise be woken for every message (an unpark from the IO thread each time, the largest single
 * cost of a small one-way message before this).
 *
 * <p>What is settled at arrival (no handler, a handler on the IO thread, a full backlog) is settled at
 * once, as with {@link SubjectDispatcher#accept}. A message in a chain is counted in its subject's
 * backlog already; if the executor refuses the chain at the hand-off, each message's consumption hears
 * of it with the message's token, before {@link #handOff} returns.
 *
 * <p>Used by one thread at a time (the stream's IO thread). Chains keep the order in which messages
 * were taken, so one sender's messages on one subject reach a single-thread executor in order.
 */
final class ReadHandoff implements Intake.Batch {

    private final SubjectDispatcher dispatcher;
    /** The chains of the subjects taken since the last hand-off, in the order of their first message; kept for reuse. */
    private final List<Chain> chains = new ArrayList<>(2);
    private int subjects;
    /** The chain of the last message's subject: a read's messages come in runs of one subject. */
    private Chain last;
    /** The last message's subject (the stream's reader hands out one object per subject) and its subscription. */
    private MessageSubject lastSubject;
    private SubjectBacklog lastBacklog;

    /** One subject's messages of the read, newest first, and how many of them came with credit. */
    private static final class Chain {
        SubjectBacklog backlog;
        SubjectBacklog.Waiting newest;
        SubjectBacklog.Waiting oldest;
        int creditedMessages;
        long creditedBytes;

        void add(SubjectBacklog.Waiting waiting) {
            if (waiting.consumption instanceof CreditAccount) {
                creditedMessages++;
                creditedBytes += waiting.message.payload().length;
            }
            waiting.next = newest;
            newest = waiting;
            if (oldest == null) {
                oldest = waiting;
            }
        }

        /** Counts the credited messages into the backlog as one run, pushes the chain, and empties it. */
        void handOff() {
            SubjectBacklog to = backlog;
            SubjectBacklog.Waiting first = newest;
            SubjectBacklog.Waiting end = oldest;
            int messages = creditedMessages;
            long bytes = creditedBytes;
            backlog = null;
            newest = null;
            oldest = null;
            creditedMessages = 0;
            creditedBytes = 0;
            to.reserveCredited(messages, bytes);
            to.handOff(first, end, true);
        }
    }

    ReadHandoff(SubjectDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public Acceptance accept(ClusterMessage message, Consumption consumption, long token) {
        SubjectBacklog backlog = lastBacklog;
        if (message.subject() != lastSubject || !backlog.isOpen()) {
            backlog = dispatcher.backlogOf(message.subject());
            lastSubject = backlog == null ? null : message.subject();
            lastBacklog = backlog;
        }
        Acceptance settled = dispatcher.settleOnArrival(backlog, message, consumption, true);
        if (settled != null) {
            return settled;
        }
        chainOf(backlog).add(new SubjectBacklog.Waiting(message, consumption, token));
        return Acceptance.ACCEPTED;
    }

    private Chain chainOf(SubjectBacklog backlog) {
        if (last != null && last.backlog == backlog) {
            return last;
        }
        for (int i = 0; i < subjects; i++) {
            if (chains.get(i).backlog == backlog) {
                last = chains.get(i);
                return last;
            }
        }
        if (subjects == chains.size()) {
            chains.add(new Chain());
        }
        last = chains.get(subjects++);
        last.backlog = backlog;
        return last;
    }

    @Override
    public void handOff() {
        for (int i = 0; i < subjects; i++) {
            chains.get(i).handOff();
        }
        subjects = 0;
        last = null;
    }
}
