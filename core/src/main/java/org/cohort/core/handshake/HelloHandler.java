package org.cohort.core.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.frame.Frames;
import org.cohort.core.util.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the handshake on a new stream, on whole frames, before any message may pass.
 *
 * <p>Without a cluster secret: the dialer sends its hello; the acceptor answers with its own only once
 * it has admitted the stream, so a stream the acceptor refuses (a duplicate from a simultaneous
 * connect, say) never looks established to the dialer.
 *
 * <p>With a cluster secret (see {@link MemberAuthenticator}): the dialer's hello carries a nonce; the
 * acceptor answers with its hello, its nonce and its proof; the dialer checks that proof and sends its
 * own ({@code PROOF}); the acceptor checks it, admits the stream and says {@code WELCOME}, and only
 * then does the dialer admit it too. A node with a secret refuses a peer without one, and the other way
 * round. Either way, a peer that does not complete the handshake within the timeout is closed.
 */
public final class HelloHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HelloHandler.class);

    private final Direction direction;
    private final NodeId expectedPeer;
    private final Hello localHello;
    private final HelloValidator validator;
    private final Duration timeout;
    private final HandshakeListener listener;
    private final Consumer<HelloException.Reason> onRefused;
    private final MemberAuthenticator authenticator;
    private ScheduledFuture<?> deadline;
    private boolean done;
    /** The frame this side waits for next. */
    private byte expecting = Frames.HELLO;
    /** The hello this side sent, with its nonce when authenticating. */
    private Hello sentHello;
    /** The peer's hello, while the authentication completes. */
    private Hello peerHello;

    /**
     * @param direction who opened the stream
     * @param expectedPeer the member dialed, or null for an accepted stream
     * @param localHello what this node says
     * @param validator checks the peer's hello against the configuration
     * @param timeout how long the peer has to complete its hello
     * @param listener decides on a valid hello
     * @param onRefused counts a refused or failed handshake by reason (routine refusals are not counted)
     * @param authenticator proves membership with the cluster secret, if one is configured
     */
    public HelloHandler(Direction direction, NodeId expectedPeer, Hello localHello, HelloValidator validator,
            Duration timeout, HandshakeListener listener, Consumer<HelloException.Reason> onRefused,
            MemberAuthenticator authenticator) {
        this.direction = direction;
        this.expectedPeer = expectedPeer;
        this.localHello = localHello;
        this.validator = validator;
        this.timeout = timeout;
        this.listener = listener;
        this.onRefused = onRefused;
        this.authenticator = authenticator;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            begin(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        begin(ctx);
        ctx.fireChannelActive();
    }

    private void begin(ChannelHandlerContext ctx) {
        if (deadline != null) {
            return;
        }
        deadline = ctx.executor().schedule(() -> {
            if (!done) {
                refuse(ctx, peerHello, new HelloException(HelloException.Reason.TIMEOUT,
                        (peerHello == null ? "no hello" : "no complete handshake") + " within " + timeout.toMillis()
                                + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (direction == Direction.OUTBOUND) {
            sentHello = authenticator.enabled()
                    ? MemberAuthenticator.withAuthentication(localHello, authenticator.newNonce(), null)
                    : localHello;
            send(ctx, helloFrame(ctx, sentHello));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        Hello peer = peerHello;
        try {
            if (done || !ctx.channel().isActive()) {
                // The stream is closed or closing (the error handler may have closed it for a bad frame
                // before this one): what the frame decoder still hands on must not admit it.
                return;
            }
            byte type = frame.isReadable() ? frame.readByte() : 0;
            if (type != expecting) {
                refuse(ctx, peer, expecting == Frames.HELLO ? new HelloException("first frame is not a hello")
                        : new HelloException(HelloException.Reason.AUTHENTICATION,
                                "frame type " + type + " where the handshake expected " + expecting));
                return;
            }
            if (type == Frames.HELLO) {
                peer = HelloCodec.decode(frame);
                validator.validate(direction, expectedPeer, ctx.channel().remoteAddress(), peer);
                onHello(ctx, peer);
            } else if (type == Frames.PROOF) {
                byte[] proof = new byte[Math.min(frame.readableBytes(), MemberAuthenticator.PROOF_BYTES + 1)];
                frame.readBytes(proof);
                authenticator.verify(MemberAuthenticator.Role.DIALER, peerHello, sentHello, proof);
                admit(ctx, peerHello, welcomeFrame(ctx));
            } else {
                admit(ctx, peerHello, null);
            }
        } catch (HelloException e) {
            refuse(ctx, peer, e);
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    private void onHello(ChannelHandlerContext ctx, Hello peer) throws HelloException {
        if (!authenticator.enabled()) {
            if (MemberAuthenticator.offered(peer)) {
                throw new HelloException(HelloException.Reason.AUTHENTICATION,
                        "the peer authenticates with a cluster secret, and this node has none");
            }
            admit(ctx, peer, direction == Direction.INBOUND ? helloFrame(ctx, localHello) : null);
            return;
        }
        MemberAuthenticator.peerNonce(peer);
        peerHello = peer;
        if (direction == Direction.INBOUND) {
            byte[] nonce = authenticator.newNonce();
            Hello withNonce = MemberAuthenticator.withAuthentication(localHello, nonce, null);
            byte[] proof = authenticator.proof(MemberAuthenticator.Role.ACCEPTOR, peer, withNonce);
            sentHello = MemberAuthenticator.withAuthentication(localHello, nonce, proof);
            expecting = Frames.PROOF;
            send(ctx, helloFrame(ctx, sentHello));
        } else {
            authenticator.verify(MemberAuthenticator.Role.ACCEPTOR, sentHello, peer,
                    peer.extensions().get(MemberAuthenticator.PROOF_EXTENSION));
            expecting = Frames.WELCOME;
            send(ctx, proofFrame(ctx, authenticator.proof(MemberAuthenticator.Role.DIALER, sentHello, peer)));
        }
    }

    /** The handshake is complete: admit the stream, answer if this side must, and hand over to messages. */
    private void admit(ChannelHandlerContext ctx, Hello peer, ByteBuf answer) throws HelloException {
        Runnable installMessagePipeline;
        try {
            installMessagePipeline = listener.admit(ctx.channel(), direction, peer);
        } catch (HelloException e) {
            if (answer != null) {
                answer.release();
            }
            throw e;
        }
        done = true;
        deadline.cancel(false);
        if (answer != null) {
            send(ctx, answer);
        }
        installMessagePipeline.run();
        if (!ctx.isRemoved()) {
            ctx.pipeline().remove(this);
        }
    }

    private static void send(ChannelHandlerContext ctx, ByteBuf frame) {
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, Hello peer, HelloException reason) {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        String side = direction == Direction.INBOUND ? "accepted" : "dialed";
        Object who = peer != null ? peer.nodeId() : expectedPeer != null ? expectedPeer : "unknown peer";
        // The reason may quote the peer's own words (its cluster name, say): escape them.
        String why = LogText.escape(reason.getMessage());
        if (reason.isRoutine()) {
            LOG.debug("Closing {} stream {} ({}): {}", side, ctx.channel().remoteAddress(), who, why);
        } else {
            onRefused.accept(reason.reason());
            LOG.warn("Refused {} stream {} ({}): {}", side, ctx.channel().remoteAddress(), who, why);
        }
        ctx.close();
    }

    private static ByteBuf helloFrame(ChannelHandlerContext ctx, Hello hello) {
        ByteBuf frame = Frames.start(ctx.alloc(), Frames.HELLO, 256);
        HelloCodec.encode(hello, frame);
        Frames.finish(frame, 0);
        return frame;
    }

    private static ByteBuf proofFrame(ChannelHandlerContext ctx, byte[] proof) {
        ByteBuf frame = Frames.start(ctx.alloc(), Frames.PROOF, proof.length);
        frame.writeBytes(proof);
        Frames.finish(frame, 0);
        return frame;
    }

    private static ByteBuf welcomeFrame(ChannelHandlerContext ctx) {
        ByteBuf frame = Frames.start(ctx.alloc(), Frames.WELCOME, 0);
        Frames.finish(frame, 0);
        return frame;
    }
}
