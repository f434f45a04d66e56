package org.cohort.testtools.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencySampleTest {

    @Test
    void emptyHasNoSummary() {
        assertThat(new LatencySample().summary()).isNull();
    }

    @Test
    void belowCapacityThePercentilesAreExact() {
        LatencySample sample = new LatencySample();
        for (long value = 100; value >= 1; value--) {
            sample.record(value);
        }
        assertThat(sample.summary()).isEqualTo(new LatencySample.Summary(100, 1, 51, 50, 99, 100));
    }

    @Test
    void aboveCapacityMemoryStaysBoundedAndTheExtremesExact() {
        LatencySample sample = new LatencySample(1_000);
        for (long value = 1; value <= 1_000_000; value++) {
            sample.record(value);
        }
        LatencySample.Summary summary = sample.summary();
        assertThat(summary.count()).isEqualTo(1_000_000);
        assertThat(summary.min()).isEqualTo(1);
        assertThat(summary.max()).isEqualTo(1_000_000);
        assertThat(summary.avg()).isEqualTo(500_001);
        // A uniform sample of 1,000: its median is near the true one.
        assertThat(summary.p50()).isBetween(440_000L, 560_000L);
        assertThat(summary.p99()).isBetween(970_000L, 1_000_000L);
    }
}
