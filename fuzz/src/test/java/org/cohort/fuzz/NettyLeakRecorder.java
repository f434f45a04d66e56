package org.cohort.fuzz;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Netty's leak detector at PARANOID for the whole run, every leak it reports recorded so that a fuzz
 * target fails on it (as core's tests do with their own copy of this listener). A JUnit launcher session
 * listener, because Netty creates its detectors when its buffer classes load, before any test class
 * could. The targets also check every buffer's release exactly, input by input, with
 * {@link TrackingAllocator}; this catches what is allocated elsewhere.
 */
public final class NettyLeakRecorder implements LauncherSessionListener {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /** Every leak reported so far in this JVM. */
    public static List<String> leaks() {
        return List.copyOf(LEAKS);
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation") // the variant Netty calls; the other one delegates to it
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new ResourceLeakDetector<>(resource, samplingInterval) {
                @Override
                protected void reportTracedLeak(String resourceType, String records) {
                    LEAKS.add(resourceType + " leaked:" + records);
                    super.reportTracedLeak(resourceType, records);
                }

                @Override
                protected void reportUntracedLeak(String resourceType) {
                    LEAKS.add(resourceType + " leaked");
                    super.reportUntracedLeak(resourceType);
                }
            };
        }
    }
}
