package org.cohort.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.api.messaging.ClusterMessage;
import org.cohort.api.serialization.SerializationService;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.testing.InProcessCluster;

/**
 * A hand-driven peer on a plain socket: it completes a real handshake as a configured member, then
 * sends whatever bytes a test wants, hostile ones included.
 */
final class FakePeer implements AutoCloseable {

    private final Socket socket = new Socket();
    private final OutputStream out;
    private final DataInputStream in;
    private long nextSeq = 1;

    /** Dials {@code target} from {@code self}'s address and completes the hello as {@code self}. */
    FakePeer(ControllerNode self, ControllerNode target, long incarnation) throws IOException {
        socket.bind(new InetSocketAddress(self.ip(), 0));
        socket.connect(new InetSocketAddress(target.ip(), target.tcpPort()), 2000);
        socket.setSoTimeout(5000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write(helloFrame(self, incarnation));
        out.flush();
        int length = in.readInt();
        byte[] reply = new byte[length];
        in.readFully(reply);
        assertThat(reply[0]).as("the node answers with its hello").isEqualTo(Frames.HELLO);
        out.write(resumeFrame());
        out.flush();
    }

    /** A member's first RESUME on a fresh session: nothing received, its first message numbered 1. */
    static byte[] resumeFrame() {
        ByteBuf frame = SessionFrames.resume(Unpooled.buffer().alloc(),
                new SessionFrames.Resume(1, 0, 0, 1, 4096, 4L << 20));
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        return bytes;
    }

    /** A whole hello frame, as a member would send it. */
    static byte[] helloFrame(ControllerNode self, long incarnation) {
        return helloFrame(new Hello(HelloCodec.VERSION, InProcessCluster.CLUSTER_NAME, self.id(), self.ip(), self.tcpPort(),
                incarnation, Map.of()));
    }

    /** A whole hello frame holding exactly the given hello, valid or not. */
    static byte[] helloFrame(Hello hello) {
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(0);
        frame.writeByte(Frames.HELLO);
        HelloCodec.encode(hello, frame);
        Frames.finish(frame, 0);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        return bytes;
    }

    /** A whole message frame, numbered {@code seq} in the sender's session. */
    static byte[] messageFrame(SerializationService serialization, ClusterMessage message, long seq) {
        ByteBuffer body = ByteBuffer.allocate(Frames.LENGTH_BYTES + Frames.TYPE_BYTES + Frames.DELIVERY_HEADER_BYTES
                + serialization.maxEncodedLength(message));
        body.position(Frames.LENGTH_BYTES + Frames.TYPE_BYTES);
        body.putLong(seq).putInt(0);
        serialization.encode(message, body);
        int length = body.position() - Frames.LENGTH_BYTES;
        body.putInt(0, length).put(Frames.LENGTH_BYTES, Frames.MESSAGE);
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        return bytes;
    }

    void sendRaw(ByteBuf bytes) throws IOException {
        byte[] array = new byte[bytes.readableBytes()];
        bytes.readBytes(array);
        bytes.release();
        out.write(array);
        out.flush();
    }

    void sendFrame(byte type, byte[] body) throws IOException {
        ByteBuf frame = Unpooled.buffer();
        frame.writeInt(Frames.TYPE_BYTES + body.length);
        frame.writeByte(type);
        frame.writeBytes(body);
        sendRaw(frame);
    }

    void sendMessage(SerializationService serialization, ClusterMessage message) throws IOException {
        ByteBuffer body = ByteBuffer.allocate(Frames.DELIVERY_HEADER_BYTES + serialization.maxEncodedLength(message));
        body.putLong(nextSeq++).putInt(0);
        serialization.encode(message, body);
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        sendFrame(Frames.MESSAGE, bytes);
    }

    /** Reads one frame body (type byte first) sent by the node. */
    byte[] readFrame() throws IOException {
        int length = in.readInt();
        byte[] frame = new byte[length];
        in.readFully(frame);
        return frame;
    }

    /** True once the node has closed this connection (end of stream or reset), within the read timeout. */
    boolean closedByNode() throws IOException {
        try {
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        }
    }

    /** Stops reading, so the node's writes back up. */
    void setReceiveBuffer(int bytes) throws SocketException {
        socket.setReceiveBufferSize(bytes);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
