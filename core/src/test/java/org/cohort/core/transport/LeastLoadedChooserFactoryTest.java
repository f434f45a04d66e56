package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LeastLoadedChooserFactoryTest {

    private final LeastLoadedChooserFactory chooser = new LeastLoadedChooserFactory();
    private MultiThreadIoEventLoopGroup group;
    private List<EventExecutor> workers;

    @BeforeEach
    void startGroup() {
        group = new MultiThreadIoEventLoopGroup(3, new ThreadPerTaskExecutor(new DefaultThreadFactory("test-io")),
                chooser, NioIoHandler.newFactory());
        workers = new ArrayList<>();
        group.forEach(workers::add);
    }

    @AfterEach
    void stopGroup() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void nineReservationsLandThreeOnEachWorker() {
        List<EventExecutor> picked = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            picked.add(chooser.reserve());
        }

        assertThat(workers).hasSize(3);
        assertThat(chooser.loads()).containsExactly(3, 3, 3);
        for (EventExecutor worker : workers) {
            assertThat(picked).filteredOn(e -> e == worker).hasSize(3);
        }
        // On a tie the lowest index wins, so the workers are taken in turn.
        assertThat(picked.subList(0, 3)).containsExactlyElementsOf(workers);
    }

    @Test
    void releasingOneAndReservingAgainFillsTheEmptiedWorker() {
        for (int i = 0; i < 9; i++) {
            chooser.reserve();
        }

        chooser.release(workers.get(1));
        assertThat(chooser.loads()).containsExactly(3, 2, 3);

        assertThat(chooser.reserve()).isSameAs(workers.get(1));
        assertThat(chooser.loads()).containsExactly(3, 3, 3);
    }

    @Test
    void theGroupsOwnChoiceCountsToo() {
        // Netty asks the chooser once per channel registration, as for every accepted stream.
        EventExecutor first = group.next();
        EventExecutor reserved = chooser.reserve();
        EventExecutor third = group.next();

        assertThat(List.of(first, reserved, third)).containsExactlyElementsOf(workers);
        assertThat(chooser.loads()).containsExactly(1, 1, 1);
    }

    @Test
    void releasingAnUnknownExecutorIsIgnored() {
        chooser.reserve();
        chooser.reserve();
        MultiThreadIoEventLoopGroup other = new MultiThreadIoEventLoopGroup(1,
                new ThreadPerTaskExecutor(new DefaultThreadFactory("test-other")), NioIoHandler.newFactory());
        EmbeddedChannel embedded = new EmbeddedChannel();
        try {
            chooser.release(ImmediateEventExecutor.INSTANCE);
            chooser.release(other.next());
            chooser.release(embedded.eventLoop());

            assertThat(chooser.loads()).containsExactly(1, 1, 0);
        } finally {
            embedded.finishAndReleaseAll();
            other.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void countsNeverGoNegative() {
        chooser.reserve();

        for (int i = 0; i < 3; i++) {
            chooser.release(workers.get(0));
            chooser.release(workers.get(2));
        }

        assertThat(chooser.loads()).containsExactly(0, 0, 0);
        // An extra release earns no credit: the next three still spread out.
        chooser.reserve();
        chooser.reserve();
        chooser.reserve();
        assertThat(chooser.loads()).containsExactly(1, 1, 1);
    }

    @Test
    void loadsIsASnapshot() {
        chooser.reserve();
        int[] loads = chooser.loads();

        loads[0] = 99;

        assertThat(chooser.loads()).containsExactly(1, 0, 0);
    }
}
