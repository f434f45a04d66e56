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
    private final Consumer<HelloException.Reason> onRefused;
    private ScheduledFuture<?> deadline;
    private boolean done;

    /**
     * @param direction who opened the stream
     * @param expectedPeer the member dialed, or null for an accepted stream
     * @param localHello what this node says
     * @param validator checks the peer's hello against the configuration
     * @param timeout how long the peer has to complete its hello
     * @param listener decides on a valid hello
     * @param onRefused counts a refused or failed handshake by reason (routine refusals are not counted)
     */
    public HelloHandler(Direction direction, NodeId expectedPeer, Hello localHello, HelloValidator validator,
            Duration timeout, HandshakeListener listener, Consumer<HelloException.Reason> onRefused) {
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
                refuse(ctx, null, new HelloException(HelloException.Reason.TIMEOUT,
                        "no hello within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (direction == Direction.OUTBOUND) {
            ctx.writeAndFlush(helloFrame(ctx)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        Hello peer = null;
        try {
            if (done) {
                return; // the stream is being closed; ignore what is still buffered
            }
            if (frame.readableBytes() < Frames.TYPE_BYTES || frame.readByte() != Frames.HELLO) {
                refuse(ctx, null, new HelloException("first frame is not a hello"));
                return;
            }
            peer = HelloCodec.decode(frame);
            validator.validate(direction, expectedPeer, ctx.channel().remoteAddress(), peer);
            Runnable installMessagePipeline = listener.admit(ctx.channel(), direction, peer);
            done = true;
            deadline.cancel(false);
            if (direction == Direction.INBOUND) {
                ctx.writeAndFlush(helloFrame(ctx)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            }
            installMessagePipeline.run();
            if (!ctx.isRemoved()) {
                ctx.pipeline().remove(this);
            }
        } catch (HelloException e) {
            refuse(ctx, peer, e);
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

    private ByteBuf helloFrame(ChannelHandlerContext ctx) {
        ByteBuf frame = Frames.start(ctx.alloc(), Frames.HELLO, 128);
        HelloCodec.encode(localHello, frame);
        Frames.finish(frame, 0);
        return frame;
    }
}
