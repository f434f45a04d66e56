package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.messaging.MessageSubject;
import org.cohort.core.serialization.KryoSerialization;
import org.cohort.core.serialization.OwnedSerializationService;
import org.cohort.core.testing.InProcessCluster;
import org.cohort.core.testing.InProcessNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An acceptor may send its first messages in the same TCP segment as its hello reply: the dialer must
 * not lose them while it switches its pipeline from the hello to messages.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HelloBoundaryTest {

    @Test
    void messagesRightBehindTheHelloReplyAreDelivered() throws Exception {
        OwnedSerializationService serialization =
                new OwnedSerializationService(new KryoSerialization(), "fake", getClass().getClassLoader()::loadClass);
        try (InProcessCluster cluster = InProcessCluster.recording(2);
                ServerSocket fakeN2 = new ServerSocket()) {
            fakeN2.bind(new InetSocketAddress(cluster.member(2).ip(), cluster.member(2).tcpPort()));
            cluster.start(1); // its custodian dials n2, played here by hand
            try (Socket stream = fakeN2.accept()) {
                stream.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(stream.getInputStream());
                in.readFully(new byte[in.readInt()]); // n1's hello

                ClusterMessage first = new ClusterMessage(InProcessCluster.id(2), MessageSubject.of("boundary"), new byte[] {1});
                ClusterMessage second = new ClusterMessage(InProcessCluster.id(2), MessageSubject.of("boundary"), new byte[] {2});
                byte[] hello = FakePeer.helloFrame(cluster.member(2), 77);
                byte[] resume = FakePeer.resumeFrame();
                byte[] m1 = FakePeer.messageFrame(serialization, first, 1);
                byte[] m2 = FakePeer.messageFrame(serialization, second, 2);
                java.io.ByteArrayOutputStream segment = new java.io.ByteArrayOutputStream();
                segment.writeBytes(hello);
                segment.writeBytes(resume);
                segment.writeBytes(m1);
                segment.writeBytes(m2);
                OutputStream out = stream.getOutputStream();
                out.write(segment.toByteArray()); // hello, resume and two messages in one write
                out.flush();

                InProcessNode n1 = cluster.node(1);
                assertThat(n1.commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isEqualTo(first);
                assertThat(n1.commsDelegate.messages.poll(5, TimeUnit.SECONDS)).isEqualTo(second);
            }
        }
    }
}
