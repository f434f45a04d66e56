package org.cohort.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/**
 * Core's NettyLeakRecorder reaches this module through core's test-jar (its META-INF/services registers
 * it with JUnit): without it, {@link Findings} would see no leak ever. Its first act is PARANOID detection.
 */
class LeakRecorderInstalledTest {

    @Test
    void nettyLeakDetectionIsParanoidForTheWholeRun() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }
}
