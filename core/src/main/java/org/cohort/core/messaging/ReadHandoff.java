package org.cohort.core.messaging;

import java.util.Arrays;
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
    /** The subjects taken since the last hand-off, in the order of their first message, and their chains. */
    private SubjectBacklog[] backlogs = new SubjectBacklog[2];
    private SubjectBacklog.Waiting[] newest = new SubjectBacklog.Waiting[2];
    private SubjectBacklog.Waiting[] oldest = new SubjectBacklog.Waiting[2];
    /** The credited messages of each chain, counted into the backlog at the hand-off, as one run. */
    private int[] creditedMessages = new int[2];
    private long[] creditedBytes = new long[2];
    private int subjects;
    /** Where the last message's subject is: a read's messages come in runs of one subject. */
    private int last;
    /** The last message's subject (the stream's reader hands out one object per subject) and its subscription. */
    private MessageSubject lastSubject;
    private SubjectBacklog lastBacklog;

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
        int chain = chainOf(backlog);
        SubjectBacklog.Waiting waiting = new SubjectBacklog.Waiting(message, consumption, token);
        if (consumption instanceof CreditAccount) {
            creditedMessages[chain]++;
            creditedBytes[chain] += message.payload().length;
        }
        waiting.next = newest[chain];
        newest[chain] = waiting;
        if (oldest[chain] == null) {
            oldest[chain] = waiting;
        }
        return Acceptance.ACCEPTED;
    }

    private int chainOf(SubjectBacklog backlog) {
        if (last < subjects && backlogs[last] == backlog) {
            return last;
        }
        for (int i = 0; i < subjects; i++) {
            if (backlogs[i] == backlog) {
                last = i;
                return i;
            }
        }
        if (subjects == backlogs.length) {
            backlogs = Arrays.copyOf(backlogs, subjects * 2);
            newest = Arrays.copyOf(newest, subjects * 2);
            oldest = Arrays.copyOf(oldest, subjects * 2);
            creditedMessages = Arrays.copyOf(creditedMessages, subjects * 2);
            creditedBytes = Arrays.copyOf(creditedBytes, subjects * 2);
        }
        backlogs[subjects] = backlog;
        last = subjects;
        return subjects++;
    }

    @Override
    public void handOff() {
        for (int i = 0; i < subjects; i++) {
            SubjectBacklog backlog = backlogs[i];
            SubjectBacklog.Waiting chain = newest[i];
            SubjectBacklog.Waiting end = oldest[i];
            int messages = creditedMessages[i];
            long bytes = creditedBytes[i];
            backlogs[i] = null;
            newest[i] = null;
            oldest[i] = null;
            creditedMessages[i] = 0;
            creditedBytes[i] = 0;
            backlog.reserveCredited(messages, bytes);
            backlog.handOff(chain, end, true);
        }
        subjects = 0;
        last = 0;
    }
}
