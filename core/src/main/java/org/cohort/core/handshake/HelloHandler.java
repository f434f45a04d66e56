package org.cohort.core.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.cohort.api.cluster.NodeId;
import org.cohort.core.frame.Frames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hello exchange on a new stream, on whole frames, before any message may pass.
 *
 * <p>The dialer speaks first; the acceptor answers only once it has admitted the stream, so a stream
 * the acceptor refuses (a duplicate from a simultaneous connect, say) never looks established to the
 * dialer. A peer that completes no hello within the timeout is closed.
 */
public final class HelloHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HelloHandler.class);

    private final Direction direction;
    private final NodeId expectedPeer;
    private final Hello localHello;
    private final HelloValidator validator;
    private final Duration timeout;
    private final HandshakeListener listener;
    private final Runnable onRefused;
    private ScheduledFuture<?> deadline;
    private boolean done;

    /**
     * @param direction who opened the stream
     * @param expectedPeer the member dialed, or null for an accepted stream
     * @param localHello what this node says
     * @param validator checks the peer's hello against the configuration
     * @param timeout how long the peer has to complete its hello
     * @param listener decides on a valid hello
     * @param onRefused counts a refused or failed handshake
     */
    public HelloHandler(Direction direction, NodeId expectedPeer, Hello localHello, HelloValidator validator,
            Duration timeout, HandshakeListener listener, Runnable onRefused) {
        this.direction = direction;
        this.expectedPeer = expectedPeer;
        this.localHello = localHello;
        this.validator = validator;
        this.timeout = timeout;
        this.listener = listener;
        this.onRefused = onRefused;
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
                refuse(ctx, "no hello within " + timeout.toMillis() + " ms", false);
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (direction == Direction.OUTBOUND) {
            ctx.writeAndFlush(helloFrame(ctx)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (done) {
                return; // the stream is being closed; ignore what is still buffered
            }
            if (frame.readableBytes() < Frames.TYPE_BYTES || frame.readByte() != Frames.HELLO) {
                refuse(ctx, "first frame is not a hello", false);
                return;
            }
            Hello peer = HelloCodec.decode(frame);
            validator.validate(direction, expectedPeer, ctx.channel().remoteAddress(), peer);
            Runnable installMessagePipeline = listener.admit(ctx.channel(), direction, peer);
            done = true;
            deadline.cancel(false);
            if (direction == Direction.INBOUND) {
                ctx.writeAndFlush(helloFrame(ctx)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            }
            installMessagePipeline.run();
            ctx.pipeline().remove(this);
        } catch (HelloException e) {
            refuse(ctx, e.getMessage(), e.isRoutine());
        } finally {
            ReferenceCountUtil.release(frame);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, String reason, boolean routine) {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        String side = direction == Direction.INBOUND ? "accepted" : "dialed";
        Object peer = expectedPeer == null ? "unknown peer" : expectedPeer;
        if (routine) {
            LOG.debug("Closing {} stream {} ({}): {}", side, ctx.channel().remoteAddress(), peer, reason);
        } else {
            onRefused.run();
            LOG.warn("Refused {} stream {} ({}): {}", side, ctx.channel().remoteAddress(), peer, reason);
        }
        ctx.close();
    }

    private ByteBuf helloFrame(ChannelHandlerContext ctx) {
        ByteBuf frame = Frames.start(ctx.alloc(), Frames.HELLO, 128);
        HelloCodec.encode(localHello, frame);
        Frames.finish(frame, 0);
        return frame;
    }
}
