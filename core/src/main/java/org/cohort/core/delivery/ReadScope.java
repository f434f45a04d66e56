package org.cohort.core.delivery;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tasks an IO thread hands to other threads while it reads a stream, held until the read is done and
 * then handed on in one task per executor: the stages of the request futures that a read's replies
 * complete, which would otherwise wake a replies thread once per reply (a wake-up costs more than most
 * stages). The transport {@link #begin begins} a scope when a read starts and {@link #end ends} it when
 * the read is done; {@link #execute} on a thread that is not in a read hands the task on at once.
 *
 * <p>Only for executors that never refuse a task for good (Cohort's own replies lanes run a task on the
 * calling thread once they are stopped): a refusal at the end of the read would reach no one.
 */
public final class ReadScope {

    private static final Logger LOG = LoggerFactory.getLogger(ReadScope.class);

    private static final FastThreadLocal<ReadScope> OF_THREAD = new FastThreadLocal<>() {
        @Override
        protected ReadScope initialValue() {
            return new ReadScope();
        }
    };

    private boolean open;
    /** The executors given tasks in this read, and each one's tasks in the order given. */
    private final List<Executor> executors = new ArrayList<>(4);
    private final List<List<Runnable>> tasks = new ArrayList<>(4);

    private ReadScope() {
    }

    /** A read starts on this thread: tasks given to {@link #execute} wait for {@link #end}. */
    public static void begin() {
        OF_THREAD.get().open = true;
    }

    /** The read is done: each executor given tasks gets one task that runs them in order. */
    public static void end() {
        ReadScope scope = OF_THREAD.getIfExists();
        if (scope != null && scope.open) {
            scope.open = false;
            scope.handOn();
        }
    }

    /**
     * Runs a task on an executor: at the end of the read this thread is in, or now if it is in none.
     *
     * @param executor an executor that never refuses a task for good
     * @param task the task
     */
    public static void execute(Executor executor, Runnable task) {
        ReadScope scope = OF_THREAD.getIfExists();
        if (scope == null || !scope.open) {
            executor.execute(task);
            return;
        }
        int at = scope.executors.indexOf(executor);
        if (at < 0) {
            scope.executors.add(executor);
            scope.tasks.add(new ArrayList<>());
            at = scope.executors.size() - 1;
        }
        scope.tasks.get(at).add(task);
    }

    private void handOn() {
        for (int i = 0; i < executors.size(); i++) {
            List<Runnable> batch = tasks.get(i);
            executors.get(i).execute(() -> runAll(batch));
        }
        executors.clear();
        tasks.clear();
    }

    private static void runAll(List<Runnable> batch) {
        for (Runnable task : batch) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // One task's failure must not cost the others of its read their turn.
                LOG.warn("A task deferred to the end of a read failed", e);
            }
        }
    }
}
