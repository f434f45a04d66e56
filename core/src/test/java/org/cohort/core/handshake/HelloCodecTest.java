package org.cohort.core.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.cohort.api.cluster.NodeId;
import org.junit.jupiter.api.Test;

class HelloCodecTest {

    private static final InetAddress IPV4 = address(10, 1, 2, 3);
    private static final InetAddress IPV6 = address(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42);

    // ---- round trips ----

    @Test
    void roundTripsIpv4WithExtensions() throws HelloException {
        Map<String, byte[]> extensions = new LinkedHashMap<>();
        extensions.put("auth", new byte[] {1, 2, 3});
        extensions.put("empty", new byte[0]);
        extensions.put("x".repeat(HelloCodec.MAX_EXTENSION_NAME_BYTES), bytes(HelloCodec.MAX_EXTENSION_VALUE_BYTES, 7));
        Hello hello = new Hello(HelloCodec.VERSION, "prod", NodeId.of("node-1"), IPV4, 9876, 42L, extensions);

        assertRoundTrips(hello);
    }

    @Test
    void roundTripsIpv6() throws HelloException {
        Hello hello = new Hello(HelloCodec.VERSION, "prod", NodeId.of("n2"), IPV6, 65535, Long.MIN_VALUE, Map.of());

        Hello decoded = assertRoundTrips(hello);

        assertThat(decoded.address().getAddress()).hasSize(16);
    }

    @Test
    void roundTripsMaximumLengthNodeIdAndClusterName() throws HelloException {
        // 127 two-byte characters and one one-byte character: exactly 255 UTF-8 bytes.
        String clusterName = "\u00e9".repeat(127) + "c";
        assertThat(clusterName.getBytes(StandardCharsets.UTF_8)).hasSize(HelloCodec.MAX_CLUSTER_NAME_BYTES);
        NodeId nodeId = NodeId.of("a.b_c:d-".repeat(16));
        assertThat(nodeId.id()).hasSize(NodeId.MAX_LENGTH);
        Hello hello = new Hello(HelloCodec.VERSION, clusterName, nodeId, IPV6, 1, -1L, Map.of("k", new byte[] {0}));

        assertRoundTrips(hello);
    }

    @Test
    void roundTripsTheMostExtensionsAllowed() throws HelloException {
        Map<String, byte[]> extensions = new LinkedHashMap<>();
        for (int i = 0; i < HelloCodec.MAX_EXTENSIONS; i++) {
            extensions.put("ext" + i, new byte[] {(byte) i});
        }
        Hello hello = new Hello(HelloCodec.VERSION, "prod", NodeId.of("n1"), IPV4, 7000, 1L, extensions);

        assertRoundTrips(hello);
    }

    @Test
    void encodesExtensionsInNameOrder() {
        Map<String, byte[]> extensions = new LinkedHashMap<>();
        for (int i = HelloCodec.MAX_EXTENSIONS - 1; i >= 0; i--) {
            extensions.put(String.format("e%02d", i), new byte[] {(byte) i});
        }
        Hello hello = new Hello(HelloCodec.VERSION, "c", NodeId.of("n1"), IPV4, 7000, 1L, extensions);

        byte[] encoded = encode(hello);

        // After the fixed part (magic 4, version 2, "c" 2, "n1" 3, address 5, port 2, incarnation 8, count 2)
        // each extension is: name length 1, name 3, value length 2, value 1.
        int offset = 28;
        for (int i = 0; i < HelloCodec.MAX_EXTENSIONS; i++) {
            String name = new String(encoded, offset + 1, 3, StandardCharsets.US_ASCII);
            assertThat(name).isEqualTo(String.format("e%02d", i));
            offset += 7;
        }
        assertThat(offset).isEqualTo(encoded.length);
    }

    // ---- exact layout ----

    @Test
    void writesTheDocumentedByteLayout() {
        Hello hello = new Hello(HelloCodec.VERSION, "c", NodeId.of("n1"), address(10, 0, 0, 1), 7000,
                0x0102030405060708L, Map.of("k", new byte[] {9}));

        byte[] encoded = encode(hello);

        assertThat(encoded).containsExactly(
                'C', 'H', 'R', 'T',             // magic
                0, 2,                           // version u16
                1, 'c',                         // cluster name
                2, 'n', '1',                    // node id
                4, 10, 0, 0, 1,                 // address
                0x1B, 0x58,                     // port 7000 u16
                1, 2, 3, 4, 5, 6, 7, 8,         // incarnation i64
                0, 1,                           // extension count u16
                1, 'k', 0, 1, 9);               // name, value length u16, value
        assertThat(HelloCodec.MAGIC).isEqualTo(asciiInt("CHRT"));
    }

    // ---- hostile input ----

    @Test
    void refusesEveryTruncation() {
        byte[] valid = encode(new Hello(HelloCodec.VERSION, "prod", NodeId.of("n1"), IPV4, 7000, 5L,
                Map.of("auth", new byte[] {1, 2, 3})));
        for (int length = 0; length < valid.length; length++) {
            byte[] prefix = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> decode(prefix))
                    .as("prefix of %d bytes", length)
                    .isInstanceOf(HelloException.class);
        }
    }

    @Test
    void refusesBadMagic() {
        byte[] bytes = encode(simpleHello());
        bytes[0] = 'X';

        assertRefused(bytes, "magic");
    }

    @Test
    void refusesOtherVersions() {
        for (int version : new int[] {0, 1, 3, 0xFFFF}) {
            byte[] bytes = encode(simpleHello());
            bytes[4] = (byte) (version >>> 8);
            bytes[5] = (byte) version;

            assertRefused(bytes, "version " + version);
        }
    }

    @Test
    void refusesAFieldLengthLargerThanWhatRemains() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(HelloCodec.MAGIC).writeShort(HelloCodec.VERSION);
        buf.writeByte(200).writeBytes("short".getBytes(StandardCharsets.US_ASCII));

        assertRefused(toBytes(buf), "field of 200 bytes");
    }

    @Test
    void refusesAnOverLongNodeId() {
        byte[] bytes = raw(buf -> {
            buf.writeByte(1).writeByte('c');
            buf.writeByte(NodeId.MAX_LENGTH + 1).writeBytes(bytes(NodeId.MAX_LENGTH + 1, 'a'));
            writeAddressPortIncarnation(buf, new byte[] {10, 0, 0, 1}, 7000);
            buf.writeShort(0);
        });

        assertRefused(bytes, "field of 129 bytes");
    }

    @Test
    void refusesAnAddressOfFiveBytes() {
        byte[] bytes = raw(buf -> {
            writeNames(buf, "c", "n1");
            writeAddressPortIncarnation(buf, new byte[] {10, 0, 0, 1, 2}, 7000);
            buf.writeShort(0);
        });

        assertRefused(bytes, "address of 5 bytes");
    }

    @Test
    void refusesAnEmptyOrOverLongAddress() {
        assertRefused(raw(buf -> {
            writeNames(buf, "c", "n1");
            writeAddressPortIncarnation(buf, new byte[0], 7000);
            buf.writeShort(0);
        }), "address of 0 bytes");
        assertRefused(raw(buf -> {
            writeNames(buf, "c", "n1");
            writeAddressPortIncarnation(buf, new byte[17], 7000);
            buf.writeShort(0);
        }), "field of 17 bytes");
    }

    @Test
    void refusesMoreThanSixteenExtensions() {
        byte[] bytes = raw(buf -> {
            writeFixedPart(buf, 7000);
            buf.writeShort(HelloCodec.MAX_EXTENSIONS + 1);
            for (int i = 0; i <= HelloCodec.MAX_EXTENSIONS; i++) {
                writeExtension(buf, "e" + i, new byte[] {1});
            }
        });

        assertRefused(bytes, "17 extensions");
    }

    @Test
    void refusesAnEmptyExtensionName() {
        byte[] bytes = raw(buf -> {
            writeFixedPart(buf, 7000);
            buf.writeShort(1);
            writeExtension(buf, "", new byte[] {1});
        });

        assertRefused(bytes, "empty name");
    }

    @Test
    void refusesAnOverLongExtensionName() {
        byte[] bytes = raw(buf -> {
            writeFixedPart(buf, 7000);
            buf.writeShort(1);
            writeExtension(buf, "x".repeat(HelloCodec.MAX_EXTENSION_NAME_BYTES + 1), new byte[] {1});
        });

        assertRefused(bytes, "field of 33 bytes");
    }

    @Test
    void refusesAnExtensionValueOverTheLimit() {
        byte[] bytes = raw(buf -> {
            writeFixedPart(buf, 7000);
            buf.writeShort(1);
            writeExtension(buf, "big", bytes(HelloCodec.MAX_EXTENSION_VALUE_BYTES + 1, 1));
        });

        assertRefused(bytes, "extension value of 1025 bytes");
    }

    @Test
    void refusesAnExtensionValueLongerThanWhatRemains() {
        byte[] bytes = raw(buf -> {
            writeFixedPart(buf, 7000);
            buf.writeShort(1);
            writeShortString(buf, "v");
            buf.writeShort(10).writeBytes(new byte[] {1, 2});
        });

        assertRefused(bytes, "extension value of 10 bytes");
    }

    @Test
    void refusesADuplicateExtensionName() {
        byte[] bytes = raw(buf -> {
            writeFixedPart(buf, 7000);
            buf.writeShort(2);
            writeExtension(buf, "auth", new byte[] {1});
            writeExtension(buf, "auth", new byte[] {2});
        });

        assertRefused(bytes, "twice");
    }

    @Test
    void refusesTrailingBytes() {
        byte[] valid = encode(simpleHello());
        byte[] bytes = Arrays.copyOf(valid, valid.length + 1);

        assertRefused(bytes, "1 unexpected bytes");
    }

    @Test
    void refusesPortZero() {
        byte[] bytes = encode(new Hello(HelloCodec.VERSION, "c", NodeId.of("n1"), IPV4, 0, 1L, Map.of()));

        assertRefused(bytes, "port 0");
    }

    @Test
    void refusesAnInvalidNodeId() {
        byte[] withSpace = raw(buf -> {
            writeNames(buf, "c", "bad id");
            writeAddressPortIncarnation(buf, new byte[] {10, 0, 0, 1}, 7000);
            buf.writeShort(0);
        });
        byte[] empty = raw(buf -> {
            writeNames(buf, "c", "");
            writeAddressPortIncarnation(buf, new byte[] {10, 0, 0, 1}, 7000);
            buf.writeShort(0);
        });
        byte[] nonAscii = raw(buf -> {
            writeShortString(buf, "c");
            buf.writeByte(2).writeByte(0xC3).writeByte(0xA9);
            writeAddressPortIncarnation(buf, new byte[] {10, 0, 0, 1}, 7000);
            buf.writeShort(0);
        });

        assertRefused(withSpace, "bad node id");
        assertRefused(empty, "bad node id");
        assertRefused(nonAscii, "bad node id");
    }

    @Test
    void refusesABodyOverTheMaximum() {
        byte[] valid = encode(simpleHello());
        byte[] bytes = Arrays.copyOf(valid, HelloCodec.MAX_HELLO_BYTES + 1);

        assertRefused(bytes, "exceeds " + HelloCodec.MAX_HELLO_BYTES);
    }

    @Test
    void randomBytesEitherDecodeOrThrowHelloException() {
        Random random = new Random(20240601L);
        byte[] valid = encode(new Hello(HelloCodec.VERSION, "prod", NodeId.of("n1"), IPV4, 7000, 5L,
                Map.of("auth", new byte[] {1, 2, 3}, "z", new byte[0])));
        int decoded = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes;
            switch (i % 3) {
                case 0 -> {
                    bytes = new byte[random.nextInt(80)];
                    random.nextBytes(bytes);
                }
                case 1 -> {
                    // A valid magic and version, so that the fields behind them are exercised.
                    bytes = new byte[6 + random.nextInt(80)];
                    random.nextBytes(bytes);
                    System.arraycopy(valid, 0, bytes, 0, 6);
                }
                default -> {
                    // A valid hello with a few bytes changed and possibly cut or extended.
                    bytes = Arrays.copyOf(valid, Math.max(0, valid.length + random.nextInt(9) - 6));
                    for (int flips = 1 + random.nextInt(3); flips > 0 && bytes.length > 0; flips--) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                }
            }
            try {
                decode(bytes);
                decoded++;
            } catch (HelloException expected) {
                // refused, as it should be
            } catch (Throwable t) {
                fail("input " + Arrays.toString(bytes) + " threw " + t, t);
            }
        }
        // Some mutated hellos (a changed incarnation, say) are still valid.
        assertThat(decoded).isPositive();
    }

    @Test
    void decodeLeavesNothingUnread() throws HelloException {
        ByteBuf buf = Unpooled.buffer();
        try {
            HelloCodec.encode(simpleHello(), buf);
            HelloCodec.decode(buf);
            assertThat(buf.isReadable()).isFalse();
        } finally {
            buf.release();
        }
        assertThat(buf.refCnt()).isZero();
    }

    // ---- helpers ----

    private static Hello assertRoundTrips(Hello hello) throws HelloException {
        ByteBuf buf = Unpooled.buffer();
        try {
            HelloCodec.encode(hello, buf);
            Hello decoded = HelloCodec.decode(buf);
            assertThat(buf.isReadable()).isFalse();
            assertThat(decoded.version()).isEqualTo(hello.version());
            assertThat(decoded.clusterName()).isEqualTo(hello.clusterName());
            assertThat(decoded.nodeId()).isEqualTo(hello.nodeId());
            assertThat(decoded.address()).isEqualTo(hello.address());
            assertThat(decoded.port()).isEqualTo(hello.port());
            assertThat(decoded.incarnation()).isEqualTo(hello.incarnation());
            // byte[] values compare by identity inside the record, so compare them by content.
            assertThat(decoded.extensions().keySet()).isEqualTo(hello.extensions().keySet());
            hello.extensions().forEach((name, value) ->
                    assertThat(decoded.extensions().get(name)).as(name).containsExactly(value));
            return decoded;
        } finally {
            buf.release();
        }
    }

    private static void assertRefused(byte[] bytes, String reason) {
        assertThatThrownBy(() -> decode(bytes))
                .isInstanceOf(HelloException.class)
                .hasMessageContaining(reason);
    }

    private static Hello decode(byte[] bytes) throws HelloException {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return HelloCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] encode(Hello hello) {
        ByteBuf buf = Unpooled.buffer();
        HelloCodec.encode(hello, buf);
        return toBytes(buf);
    }

    /** Copies out the readable bytes and releases the buffer. */
    private static byte[] toBytes(ByteBuf buf) {
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    /** Magic and version, then whatever the body writer adds. */
    private static byte[] raw(Consumer<ByteBuf> body) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(HelloCodec.MAGIC).writeShort(HelloCodec.VERSION);
        body.accept(buf);
        return toBytes(buf);
    }

    private static void writeFixedPart(ByteBuf buf, int port) {
        writeNames(buf, "c", "n1");
        writeAddressPortIncarnation(buf, new byte[] {10, 0, 0, 1}, port);
    }

    private static void writeNames(ByteBuf buf, String clusterName, String nodeId) {
        writeShortString(buf, clusterName);
        writeShortString(buf, nodeId);
    }

    private static void writeAddressPortIncarnation(ByteBuf buf, byte[] address, int port) {
        buf.writeByte(address.length).writeBytes(address);
        buf.writeShort(port);
        buf.writeLong(1L);
    }

    private static void writeExtension(ByteBuf buf, String name, byte[] value) {
        writeShortString(buf, name);
        buf.writeShort(value.length).writeBytes(value);
    }

    private static void writeShortString(ByteBuf buf, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buf.writeByte(bytes.length).writeBytes(bytes);
    }

    private static Hello simpleHello() {
        return new Hello(HelloCodec.VERSION, "c", NodeId.of("n1"), IPV4, 7000, 1L, Map.of());
    }

    private static byte[] bytes(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static int asciiInt(String fourAscii) {
        byte[] b = fourAscii.getBytes(StandardCharsets.US_ASCII);
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    private static InetAddress address(int... octets) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
