package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cohort.core.testing.InProcessCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Strangers on 127.0.0.200 and up hold at most a few unauthenticated streams, are turned away when
 * their handshakes keep failing, and none of it touches the members.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnauthenticatedLimitsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final InProcessCluster cluster = InProcessCluster.recording(2);
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        cluster.close();
    }

    private Socket connectFrom(int lastOctet) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}), 0));
        socket.connect(new InetSocketAddress(cluster.member(1).ip(), cluster.member(1).tcpPort()), 2000);
        socket.setSoTimeout(50);
        return socket;
    }

    /** Whether the node closed the socket (end of stream); false while it is still open. */
    private static boolean closedByNode(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private long counter(String name) {
        return cluster.node(1).manager.counters().get(name);
    }

    @Test
    void aStrangerHoldsAtMostAFewSilentStreamsAndTheMembersConnectMeanwhile() throws Exception {
        cluster.start(1);
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            silent.add(connectFrom(200));
        }

        await().atMost(WAIT).until(() -> counter("connectionsRefused.perSourceLimit") == 6);
        assertThat(silent.stream().filter(UnauthenticatedLimitsTest::closedByNode).count()).isEqualTo(6);

        cluster.start(2);
        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().size() == 1);
        assertThat(counter("connectionsRefused.perSourceLimit")).isEqualTo(6);
    }

    @Test
    void aStrangerWhoseHandshakesKeepFailingIsTurnedAwayButMembersNeverAre() throws Exception {
        cluster.start(1);
        cluster.start(2);
        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().size() == 1);

        for (int i = 0; i < HandshakeGate.FAILURES_BEFORE_THROTTLE; i++) {
            Socket socket = connectFrom(201);
            socket.getOutputStream().write(new byte[] {0, 0, 0, 1, 99}); // a frame that is not a hello
            await().atMost(WAIT).until(() -> closedByNode(socket));
        }
        await().atMost(WAIT).until(() -> counter("sourcesThrottled") == 1);

        Socket turnedAway = connectFrom(201);
        await().atMost(WAIT).until(() -> closedByNode(turnedAway));
        assertThat(counter("connectionsRefused.throttled")).isEqualTo(1);

        // A member that restarts is let straight back in.
        cluster.node(2).stop();
        cluster.start(2);
        await().atMost(WAIT).until(() -> cluster.node(1).manager.connectedPeers().size() == 1
                && cluster.node(2).manager.connectedPeers().size() == 1);
        assertThat(counter("connectionsRefused.throttled")).isEqualTo(1);
    }
}
