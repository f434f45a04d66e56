package org.cohort.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cohort.api.cluster.NodeId;
import org.cohort.api.serialization.SerializationException;
import org.cohort.api.serialization.TypeRegistration;
import org.cohort.core.serialization.TestTypes.Flicker;
import org.cohort.core.serialization.TestTypes.Greeting;
import org.cohort.core.serialization.TestTypes.Inventory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

class ConcurrencyTest {

    private static final int WORKERS = 4;
    private static final int ROUND_TRIPS = 2000;
    private static final int REGISTRATION_CYCLES = 300;

    private final KryoSerialization runtime = new KryoSerialization();
    private final OwnedSerializationService stable =
            new OwnedSerializationService(runtime, "owner-a", getClass().getClassLoader()::loadClass);
    private final OwnedSerializationService flickering =
            new OwnedSerializationService(runtime, "owner-b", getClass().getClassLoader()::loadClass);
    private final ExecutorService executor = Executors.newFixedThreadPool(WORKERS + 1);

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        stable.close();
        flickering.close();
    }

    @Test
    @Timeout(value = 30, threadMode = ThreadMode.SEPARATE_THREAD)
    void roundTripsStayCorrectWhileRegistrationsChange() throws Exception {
        stable.register(1000, Greeting.class);
        stable.register(1001, Inventory.class);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean workersDone = new AtomicBoolean();

        Future<int[]> registrar = executor.submit(() -> {
            start.await();
            int cycles = 0;
            int flickerRoundTrips = 0;
            while (cycles < REGISTRATION_CYCLES && !workersDone.get()) {
                TypeRegistration registration = flickering.register(2000, Flicker.class);
                Flicker flicker = new Flicker(cycles);
                if (flickering.deserialize(flickering.serialize(flicker), Flicker.class).equals(flicker)) {
                    flickerRoundTrips++;
                }
                if (cycles % 2 == 0) {
                    registration.close();
                } else {
                    flickering.close();
                }
                cycles++;
            }
            return new int[] {cycles, flickerRoundTrips};
        });

        List<Future<List<String>>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            Callable<List<String>> task = () -> {
                start.await();
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < ROUND_TRIPS; i++) {
                    Object original = sample(worker, i);
                    Object copy = stable.deserialize(stable.serialize(original), Object.class);
                    if (!original.equals(copy)) {
                        wrong.add("worker " + worker + " round trip " + i + ": " + original + " came back as " + copy);
                    }
                    // The flickering type either round trips correctly or is refused, never anything else.
                    Flicker flicker = new Flicker(worker * ROUND_TRIPS + i);
                    try {
                        Flicker back = flickering.deserialize(flickering.serialize(flicker), Flicker.class);
                        if (!flicker.equals(back)) {
                            wrong.add("flicker " + flicker + " came back as " + back);
                        }
                    } catch (SerializationException refused) {
                        // not registered at that moment: fine
                    }
                }
                return wrong;
            };
            workers.add(executor.submit(task));
        }

        start.countDown();
        List<String> wrong = new ArrayList<>();
        for (Future<List<String>> worker : workers) {
            wrong.addAll(worker.get());
        }
        workersDone.set(true);
        int[] registrarResult = registrar.get();

        assertThat(wrong).isEmpty();
        assertThat(registrarResult[0]).as("registration cycles run").isPositive();
        assertThat(registrarResult[1]).as("flicker round trips while registered").isEqualTo(registrarResult[0]);
        assertThat(runtime.registeredTypes()).doesNotContainKey(2000)
                .containsEntry(1000, Greeting.class.getName())
                .containsEntry(1001, Inventory.class.getName());
    }

    private static Object sample(int worker, int i) {
        int kind = i % 3;
        if (kind == 0) {
            return new Greeting("w" + worker + "-" + i + "-ü", i, NodeId.of("node-" + worker));
        }
        if (kind == 1) {
            Map<String, Integer> counts = new HashMap<>();
            counts.put("i", i);
            counts.put("w", worker);
            return new Inventory(new ArrayList<>(List.of("w" + worker, "i" + i)), counts, new int[] {worker, i},
                    "label-" + i);
        }
        HashMap<String, Object> map = new HashMap<>();
        map.put("worker", worker);
        map.put("i", (long) i);
        map.put("greeting", new Greeting("nested", -i, NodeId.of("n" + i)));
        return map;
    }
}
