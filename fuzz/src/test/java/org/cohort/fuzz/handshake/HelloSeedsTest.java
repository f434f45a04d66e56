package org.cohort.fuzz.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.cohort.api.cluster.ControllerNode;
import org.cohort.core.frame.Frames;
import org.cohort.core.handshake.Hello;
import org.cohort.core.handshake.HelloCodec;
import org.cohort.core.handshake.MemberAuthenticator;
import org.cohort.fuzz.Seeds;
import org.cohort.fuzz.StreamScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The seeds of {@link HelloFuzzTest}: hellos written by {@link HelloCodec#encode}, as the dialer and the
 * acceptor see them, with and without a cluster secret (the nonces and proofs fixed, so that the seeds
 * are the same each time they are written). The kept seeds without a secret must be admitted, so that
 * the fuzzer starts from a complete handshake; {@code -Dfuzz.writeSeeds=true} rewrites them.
 */
class HelloSeedsTest {

    @Test
    void everyKeptSeedWithoutASecretIsAdmitted() throws Exception {
        Map<String, byte[]> kept = Seeds.read(HelloFuzzTest.class, "handshake");
        assertThat(kept.keySet()).as("kept seeds")
                .containsAll(seeds().keySet().stream().map(name -> "seed-" + name).toList());
        for (Map.Entry<String, byte[]> seed : kept.entrySet()) {
            if (seed.getKey().startsWith("seed-")) {
                boolean secret = (seed.getValue()[0] & HelloFuzzTest.WITH_SECRET) != 0;
                assertThat(HelloFuzzTest.run(seed.getValue())).as(seed.getKey()).isEqualTo(!secret);
            }
        }
    }

    @Test
    @EnabledIfSystemProperty(named = Seeds.WRITE_PROPERTY, matches = "true")
    void writeSeeds() throws Exception {
        Seeds.write(HelloFuzzTest.class, "handshake", seeds());
    }

    static Map<String, byte[]> seeds() {
        byte[] nonce = filled(MemberAuthenticator.NONCE_BYTES, 0x5a);
        byte[] proof = filled(MemberAuthenticator.PROOF_BYTES, 0x3c);
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("accepted-from-n2", seed(HelloFuzzTest.FROM_N2,
                new StreamScript.Writer().frame(Frames.HELLO, encode(hello(HelloFuzzTest.N2)))
                        .frame(Frames.MESSAGE, new byte[] {1, 2, 3})));
        seeds.put("dialed-n2", seed(HelloFuzzTest.DIALED,
                new StreamScript.Writer().frame(Frames.HELLO, encode(hello(HelloFuzzTest.N2)))));
        seeds.put("dialed-n2-extensions", seed(HelloFuzzTest.DIALED,
                new StreamScript.Writer().frame(Frames.HELLO, encode(new Hello(HelloCodec.VERSION,
                        HelloFuzzTest.CLUSTER, HelloFuzzTest.N2.id(), HelloFuzzTest.N2.ip(), HelloFuzzTest.N2.tcpPort(),
                        7L, Map.of("x-feature", new byte[] {1}, "zone", "rack-7".getBytes()))))));
        byte[] frame = frame(Frames.HELLO, encode(hello(HelloFuzzTest.N2)));
        seeds.put("accepted-from-n2-sliced", seed(HelloFuzzTest.FROM_N2, new StreamScript.Writer()
                .raw(Arrays.copyOfRange(frame, 0, 3)).slice().raw(Arrays.copyOfRange(frame, 3, 30)).slice()
                .raw(Arrays.copyOfRange(frame, 30, frame.length))));
        seeds.put("secret-accepted-from-n2", seed(HelloFuzzTest.WITH_SECRET | HelloFuzzTest.FROM_N2,
                new StreamScript.Writer()
                        .frame(Frames.HELLO, encode(withNonce(nonce, null)))
                        .slice().frame(Frames.PROOF, proof)));
        seeds.put("secret-dialed-n2", seed(HelloFuzzTest.WITH_SECRET | HelloFuzzTest.DIALED,
                new StreamScript.Writer()
                        .frame(Frames.HELLO, encode(withNonce(nonce, proof)))
                        .slice().frame(Frames.WELCOME, new byte[0])));
        return seeds;
    }

    private static byte[] seed(int flags, StreamScript.Writer script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(flags);
        out.writeBytes(script.toByteArray());
        return out.toByteArray();
    }

    /** n2's hello as a node with a cluster secret sends it: with its nonce (and, as the acceptor, its proof). */
    private static Hello withNonce(byte[] nonce, byte[] proof) {
        return MemberAuthenticator.withAuthentication(hello(HelloFuzzTest.N2), nonce, proof);
    }

    private static Hello hello(ControllerNode node) {
        return new Hello(HelloCodec.VERSION, HelloFuzzTest.CLUSTER, node.id(), node.ip(), node.tcpPort(), 2002L,
                new TreeMap<>());
    }

    private static byte[] encode(Hello hello) {
        ByteBuf out = Unpooled.buffer();
        HelloCodec.encode(hello, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    private static byte[] frame(byte type, byte[] body) {
        ByteBuf out = Frames.start(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, type, body.length);
        out.writeBytes(body);
        Frames.finish(out, 0);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        out.release();
        return bytes;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
