package org.cohort.core.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Gives every new stream, accepted or dialed, to the IO worker serving the fewest streams (the lowest
 * index on a tie), as the seed's worker finder did. Netty asks the chooser once per channel
 * registration, so counting there reserves the slot at once: streams opened back to back do not all
 * land on the same worker. Dials take their worker through {@link #reserve()} instead, so that the slot
 * can be given back on the dial's close even if it never registered. {@link #release} gives a slot back.
 */
final class LeastLoadedChooserFactory implements EventExecutorChooserFactory {

    private final Map<EventExecutor, Integer> indexes = new IdentityHashMap<>();
    private int[] loads = new int[0];
    private EventExecutor[] executors = new EventExecutor[0];

    @Override
    public synchronized EventExecutorChooser newChooser(EventExecutor[] children) {
        executors = children.clone();
        loads = new int[children.length];
        for (int i = 0; i < children.length; i++) {
            indexes.put(children[i], i);
        }
        return this::next;
    }

    /** Picks the least-loaded worker for a new stream and counts the stream on it. */
    synchronized EventExecutor reserve() {
        return next();
    }

    private synchronized EventExecutor next() {
        int best = 0;
        for (int i = 1; i < loads.length; i++) {
            if (loads[i] < loads[best]) {
                best = i;
            }
        }
        loads[best]++;
        return executors[best];
    }

    synchronized void release(EventExecutor executor) {
        Integer index = indexes.get(executor);
        if (index != null && loads[index] > 0) {
            loads[index]--;
        }
    }

    /** Returns how many streams each worker serves, by worker index. */
    synchronized int[] loads() {
        return loads.clone();
    }
}
