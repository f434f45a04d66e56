package org.cohort.core.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.CommunicationsDelegate;
import org.cohort.api.messaging.MessageSender;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.delivery.Acceptance;
import org.cohort.core.delivery.Consumption;
import org.cohort.core.delivery.Intake;

/**
 * A receiving node's intake for session tests: it records what it accepted, in order, and answers per
 * subject as a test sets it: accept and consume at once (the default), accept and hold until the test
 * releases (a stalled subscriber), no handler, or refuse; or accept for the read's batch and then refuse
 * at its hand-off (an executor that shut down between the two), as core's dispatcher may. Its batch
 * records the reads: how many messages each hand-off concerned.
 */
final class RecordingIntake implements CommunicationsDelegate, Intake {

    enum Answer { CONSUME, HOLD, NO_HANDLER, REFUSE, THROW, REFUSE_AT_HAND_OFF }

    final List<ClusterMessage> accepted = new CopyOnWriteArrayList<>();
    private final Map<MessageSubject, Answer> answers = new ConcurrentHashMap<>();
    private final List<Runnable> held = new ArrayList<>();

    void answer(MessageSubject subject, Answer answer) {
        answers.put(subject, answer);
    }

    /** The messages of each read, as many as each hand-off concerned (empty hand-offs left out). */
    final List<Integer> handOffs = new CopyOnWriteArrayList<>();

    @Override
    public Batch batch() {
        return new Batch() {
            private final List<Runnable> refusals = new ArrayList<>();
            private int taken;

            @Override
            public Acceptance accept(ClusterMessage message, Consumption consumption, long token) {
                taken++;
                if (answers.get(message.subject()) == Answer.REFUSE_AT_HAND_OFF) {
                    refusals.add(() -> consumption.refused(message, token));
                    return Acceptance.ACCEPTED;
                }
                return RecordingIntake.this.accept(message, consumption);
            }

            @Override
            public void handOff() {
                refusals.forEach(Runnable::run);
                refusals.clear();
                if (taken > 0) {
                    handOffs.add(taken);
                }
                taken = 0;
            }
        };
    }

    @Override
    public Acceptance accept(ClusterMessage message, Consumption consumption) {
        switch (answers.getOrDefault(message.subject(), Answer.CONSUME)) {
            case NO_HANDLER:
                return Acceptance.NO_HANDLER;
            case REFUSE:
                return Acceptance.REFUSED;
            case THROW:
                throw new IllegalStateException("a delegate that fails");
            case HOLD:
                accepted.add(message);
                synchronized (held) {
                    held.add(() -> consumption.consumed(message));
                }
                return Acceptance.ACCEPTED;
            default:
                accepted.add(message);
                consumption.consumed(message);
                return Acceptance.ACCEPTED;
        }
    }

    /** The stalled subscriber catches up: everything held is consumed. */
    int release() {
        List<Runnable> now;
        synchronized (held) {
            now = new ArrayList<>(held);
            held.clear();
        }
        now.forEach(Runnable::run);
        return now.size();
    }

    List<ClusterMessage> accepted(MessageSubject subject) {
        return accepted.stream().filter(message -> message.subject().equals(subject)).toList();
    }

    @Override
    public void setSender(MessageSender sender) {
    }

    @Override
    public void dispatch(ClusterMessage message) {
        accept(message, Consumption.NONE);
    }
}
