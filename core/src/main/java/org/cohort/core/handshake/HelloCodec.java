package org.cohort.core.handshake;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.cohort.api.cluster.NodeId;

/**
 * The hello's wire form, written and read by hand so that it is small, strict and bounded before
 * anything else of the protocol is trusted.
 *
 * <pre>
 * magic "CHRT" | version u16 | cluster name (u8 length, UTF-8) | node id (u8 length, ASCII)
 * | address (u8 length 4 or 16, bytes) | port u16 | incarnation i64
 * | extension count u16, each: name (u8 length 1..32, ASCII) value (u16 length, bytes)
 * </pre>
 */
public final class HelloCodec {

    /** Protocol magic: identifies a Cohort stream before anything else is read. */
    public static final int MAGIC = 0x43485254; // "CHRT"
    /** The wire protocol version this build speaks: 2 added sequence numbers, acks, credit and resume. */
    public static final int VERSION = 2;
    /** Largest hello body accepted; an unauthenticated peer gets no more buffer than this. */
    public static final int MAX_HELLO_BYTES = 4096;

    static final int MAX_CLUSTER_NAME_BYTES = 255;
    static final int MAX_EXTENSIONS = 16;
    static final int MAX_EXTENSION_NAME_BYTES = 32;
    static final int MAX_EXTENSION_VALUE_BYTES = 1024;

    private HelloCodec() {
    }

    public static void encode(Hello hello, ByteBuf out) {
        out.writeInt(MAGIC);
        out.writeShort(hello.version());
        writeShortString(out, hello.clusterName().getBytes(StandardCharsets.UTF_8));
        writeShortString(out, hello.nodeId().id().getBytes(StandardCharsets.US_ASCII));
        writeShortString(out, hello.address().getAddress());
        out.writeShort(hello.port());
        out.writeLong(hello.incarnation());
        out.writeShort(hello.extensions().size());
        for (Map.Entry<String, byte[]> extension : hello.extensions().entrySet()) {
            writeShortString(out, extension.getKey().getBytes(StandardCharsets.US_ASCII));
            out.writeShort(extension.getValue().length);
            out.writeBytes(extension.getValue());
        }
    }

    /**
     * Reads exactly one hello from the buffer's readable bytes.
     *
     * @throws HelloException if the bytes are not one well-formed hello
     */
    public static Hello decode(ByteBuf in) throws HelloException {
        if (in.readableBytes() > MAX_HELLO_BYTES) {
            throw new HelloException("hello of " + in.readableBytes() + " bytes exceeds " + MAX_HELLO_BYTES);
        }
        try {
            if (in.readInt() != MAGIC) {
                throw new HelloException("not a Cohort stream (bad magic)");
            }
            int version = in.readUnsignedShort();
            if (version != VERSION) {
                throw new HelloException(HelloException.Reason.UNSUPPORTED_VERSION, "unsupported protocol version " + version + " (this node speaks " + VERSION + ")");
            }
            String clusterName = new String(readShortString(in, MAX_CLUSTER_NAME_BYTES), StandardCharsets.UTF_8);
            NodeId nodeId = NodeId.of(new String(readShortString(in, NodeId.MAX_LENGTH), StandardCharsets.US_ASCII));
            byte[] addressBytes = readShortString(in, 16);
            if (addressBytes.length != 4 && addressBytes.length != 16) {
                throw new HelloException("address of " + addressBytes.length + " bytes");
            }
            InetAddress address = InetAddress.getByAddress(addressBytes);
            int port = in.readUnsignedShort();
            long incarnation = in.readLong();
            int count = in.readUnsignedShort();
            if (count > MAX_EXTENSIONS) {
                throw new HelloException(count + " extensions exceed " + MAX_EXTENSIONS);
            }
            Map<String, byte[]> extensions = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                byte[] name = readShortString(in, MAX_EXTENSION_NAME_BYTES);
                if (name.length == 0) {
                    throw new HelloException("extension with an empty name");
                }
                int valueLength = in.readUnsignedShort();
                if (valueLength > MAX_EXTENSION_VALUE_BYTES || valueLength > in.readableBytes()) {
                    throw new HelloException("extension value of " + valueLength + " bytes");
                }
                byte[] value = new byte[valueLength];
                in.readBytes(value);
                if (extensions.put(new String(name, StandardCharsets.US_ASCII), value) != null) {
                    throw new HelloException("extension " + new String(name, StandardCharsets.US_ASCII) + " twice");
                }
            }
            if (in.isReadable()) {
                throw new HelloException(in.readableBytes() + " unexpected bytes after the hello");
            }
            if (port < 1) {
                throw new HelloException("port 0");
            }
            return new Hello(version, clusterName, nodeId, address, port, incarnation, extensions);
        } catch (IndexOutOfBoundsException e) {
            throw new HelloException("truncated hello");
        } catch (IllegalArgumentException e) {
            throw new HelloException("bad node id: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new HelloException("bad address");
        }
    }

    private static void writeShortString(ByteBuf out, byte[] bytes) {
        if (bytes.length > 255) {
            throw new IllegalArgumentException("field of " + bytes.length + " bytes exceeds 255");
        }
        out.writeByte(bytes.length);
        out.writeBytes(bytes);
    }

    private static byte[] readShortString(ByteBuf in, int max) throws HelloException {
        int length = in.readUnsignedByte();
        if (length > max || length > in.readableBytes()) {
            throw new HelloException("field of " + length + " bytes (at most " + max + ")");
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }
}
