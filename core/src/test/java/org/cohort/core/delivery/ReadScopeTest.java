package org.cohort.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadScopeTest {

    /** An executor that keeps the tasks it is given, for the test to count and run. */
    static final class Keeping implements Executor {
        final List<Runnable> given = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            given.add(task);
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(given);
            given.clear();
            now.forEach(Runnable::run);
        }
    }

    @AfterEach
    void endAnyScope() {
        ReadScope.end();
    }

    @Test
    void outsideAReadATaskIsHandedOnAtOnce() {
        Keeping lane = new Keeping();
        List<Integer> ran = new ArrayList<>();

        ReadScope.execute(lane, () -> ran.add(1));
        ReadScope.execute(lane, () -> ran.add(2));

        assertThat(lane.given).hasSize(2);
        lane.runAll();
        assertThat(ran).containsExactly(1, 2);
    }

    @Test
    void aReadsTasksReachEachExecutorAsOneTaskWhenTheReadEndsInTheOrderGiven() {
        Keeping first = new Keeping();
        Keeping second = new Keeping();
        List<String> ran = new ArrayList<>();

        ReadScope.begin();
        for (int i = 0; i < 5; i++) {
            int n = i;
            ReadScope.execute(first, () -> ran.add("first-" + n));
            ReadScope.execute(second, () -> ran.add("second-" + n));
        }
        assertThat(first.given).as("nothing before the read ends").isEmpty();
        assertThat(second.given).isEmpty();
        ReadScope.end();

        assertThat(first.given).as("one task for the read").hasSize(1);
        assertThat(second.given).hasSize(1);
        first.runAll();
        second.runAll();
        assertThat(ran).containsExactly("first-0", "first-1", "first-2", "first-3", "first-4",
                "second-0", "second-1", "second-2", "second-3", "second-4");

        ReadScope.execute(first, () -> ran.add("after"));
        assertThat(first.given).as("after the read, at once again").hasSize(1);
    }

    @Test
    void aFailingTaskDoesNotCostTheOthersOfItsReadTheirTurn() {
        Keeping lane = new Keeping();
        List<Integer> ran = new ArrayList<>();

        ReadScope.begin();
        ReadScope.execute(lane, () -> ran.add(1));
        ReadScope.execute(lane, () -> {
            throw new IllegalStateException("a stage that fails");
        });
        ReadScope.execute(lane, () -> ran.add(3));
        ReadScope.end();
        lane.runAll();

        assertThat(ran).containsExactly(1, 3);
    }
}
