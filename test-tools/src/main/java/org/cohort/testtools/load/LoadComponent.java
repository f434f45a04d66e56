package org.cohort.testtools.load;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.cohort.api.cluster.NodeId;
import org.cohort.testtools.load.LoadSettings.Mode;
import org.cohort.testtools.message.LoadSubjects;
import org.cohort.testtools.receive.ReceiveLedger;
import org.cohort.testtools.send.LaneSender;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the background loads of {@code example:load}, at most one per mode at a time, each on a thread of
 * its own named {@code cohort-testtools-load-MODE}. The threads are this component's: deactivation stops
 * every load and waits for its thread. The last load of each mode stays readable after it ends.
 */
@Component(service = LoadComponent.class, immediate = true)
public class LoadComponent {

    /** How long deactivation waits for each load thread to end. */
    static final long JOIN_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(LoadComponent.class);

    private record Running(LoadRun run, Thread thread) {
    }

    private final LaneSender sender;
    private final ReceiveLedger ledger;
    private final Map<Mode, Running> loads = new EnumMap<>(Mode.class);
    private boolean closed;

    @Activate
    public LoadComponent(@Reference(name = "sender") LaneSender sender,
            @Reference(name = "ledger") ReceiveLedger ledger) {
        this.sender = sender;
        this.ledger = ledger;
    }

    /**
     * Starts a load on a new thread and returns at once.
     *
     * @param settings what to send
     * @return the load
     * @throws IllegalStateException if a load of that mode is running, or the component is stopping
     */
    public synchronized LoadRun start(LoadSettings settings) {
        if (closed) {
            throw new IllegalStateException("the load component is stopping");
        }
        Mode mode = settings.mode();
        Running current = loads.get(mode);
        if (current != null && current.thread().isAlive()) {
            throw new IllegalStateException("a " + mode.id() + " load is running already (example:load-status; "
                    + "example:load-stop --mode " + mode.id() + ")");
        }
        LoadRun run = new LoadRun(settings, lanes(mode), System::nanoTime, LockSupport::parkNanos,
                Clock.systemUTC());
        Thread thread = new Thread(run, "cohort-testtools-load-" + mode.id());
        thread.setDaemon(true);
        loads.put(mode, new Running(run, thread));
        thread.start();
        LOG.info("Started a {} load: {}/s for {} s, {} padding bytes, to {}", mode.id(), settings.rate(),
                settings.durationSeconds(), settings.sizeBytes(),
                mode == Mode.BROADCAST ? "every other ACTIVE member" : settings.targets());
        return run;
    }

    /**
     * Stops the running loads of one mode, or of all.
     *
     * @param mode the mode, or null for all
     * @return the loads that were running
     */
    public synchronized List<LoadRun> stop(Mode mode) {
        List<LoadRun> stopped = new ArrayList<>();
        for (Map.Entry<Mode, Running> entry : loads.entrySet()) {
            Running load = entry.getValue();
            if ((mode == null || entry.getKey() == mode) && load.run().running()) {
                load.run().stop();
                load.thread().interrupt();
                stopped.add(load.run());
            }
        }
        return stopped;
    }

    /**
     * Returns the load of a mode: the running one, or the last one.
     *
     * @param mode the mode
     * @return the load, or empty if none was started since this component started
     */
    public synchronized Optional<LoadRun> load(Mode mode) {
        return Optional.ofNullable(loads.get(mode)).map(Running::run);
    }

    @Deactivate
    void deactivate() {
        List<Running> all;
        synchronized (this) {
            closed = true;
            stop(null);
            all = List.copyOf(loads.values());
        }
        for (Running load : all) {
            try {
                load.thread().join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (load.thread().isAlive()) {
                LOG.warn("Load thread {} did not end within {} ms", load.thread().getName(), JOIN_MILLIS);
            }
        }
    }

    /** The lane sender on the lanes of a mode. */
    private LoadSender lanes(Mode mode) {
        return new LoadSender() {
            @Override
            public LaneSender.Outcome unicast(NodeId to, String text, byte[] padding) {
                return sender.unicast(LoadSubjects.LANE_LOAD_UNICAST, to, text, padding);
            }

            @Override
            public LaneSender.Outcome broadcast(String text, byte[] padding) {
                return sender.broadcast(LoadSubjects.LANE_LOAD_BROADCAST, text, padding);
            }

            @Override
            public Optional<LaneSender.Request> request(NodeId to, String text, byte[] padding,
                    Duration timeout) {
                Optional<LaneSender.Request> request = sender.request(LoadSubjects.LANE_LOAD_REQUEST, to, text,
                        padding, timeout);
                // Replies complete on Cohort's one reply thread, in arrival order: the ledger checks them as
                // it checks messages (duplicates, order, gaps per replying node).
                request.ifPresent(sent -> sent.reply().thenAccept(reply -> ledger.record(LoadSubjects.ECHO_REPLIES,
                        reply, System.currentTimeMillis())));
                return request;
            }

            @Override
            public Optional<LaneSender.Delivery> deliver(NodeId to, String text, byte[] padding) {
                return sender.deliver(LoadSubjects.LANE_LOAD_DELIVER, to, text, padding);
            }

            @Override
            public String toString() {
                return "lane sender (" + mode.id() + " load lanes)";
            }
        };
    }

    /** @return how long {@code --wait} may wait for a load with these settings: all its bounds, plus a margin */
    public static long longestRunMillis(LoadSettings settings) {
        return TimeUnit.SECONDS.toMillis(settings.durationSeconds()) + settings.timeout().toMillis()
                + 2 * LoadRun.GRACE_MILLIS + 5_000;
    }
}
