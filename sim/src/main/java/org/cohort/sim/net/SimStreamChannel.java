package org.cohort.sim.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.ArrayDeque;
import org.cohort.sim.SimEventLoop;
import org.cohort.sim.Simulation;

/**
 * One end of a simulated stream: what production's epoll or NIO socket channel is, over a
 * {@link SimNetwork}. Bytes written and flushed arrive at the other end's pipeline after the network's
 * delay, in order; a close reaches the other end after the same delay, behind the bytes sent before it.
 * A connect to an address nobody listens on fails with {@link ConnectException} after one delay, as a
 * refused TCP connect does.
 */
public final class SimStreamChannel extends AbstractChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private enum State { OPEN, CONNECTED, CLOSED }

    private final SimNetwork network;
    private final ChannelConfig config = new DefaultChannelConfig(this);
    private State state = State.OPEN;
    private SocketAddress local;
    private SocketAddress remote;
    private SimStreamChannel peer;
    /** When this end's last segment arrives at the peer: later ones never arrive before it. */
    private long lastArrivalNanos;
    /** Closing because of a reset: no FIN follows, the other end is reset too. */
    private boolean resetting;
    /** What this end sent that has not arrived yet, oldest first. */
    private final ArrayDeque<Runnable> inFlight = new ArrayDeque<>();

    /** A stream to dial with. */
    public SimStreamChannel(SimNetwork network) {
        super(null);
        this.network = network;
    }

    /** The accepting end of a connection, already connected. */
    SimStreamChannel(SimServerChannel parent, SimNetwork network, SimStreamChannel dialer) {
        super(parent);
        this.network = network;
        this.local = parent.localAddress();
        this.remote = dialer.local;
        this.peer = dialer;
        this.state = State.CONNECTED;
        network.connected(this);
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    @Override
    public boolean isActive() {
        return state == State.CONNECTED;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new SimUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof SimEventLoop;
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        local = localAddress;
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        network.closed(this);
        SimStreamChannel other = peer;
        if (other != null && !resetting) {
            // The FIN, behind every segment sent before it.
            send("closes its end", () -> {
                if (other.isOpen()) {
                    other.unsafe().close(other.unsafe().voidPromise());
                }
            });
        }
    }

    @Override
    protected void doBeginRead() {
        // Segments are handed to the pipeline as they arrive (Cohort's streams always read).
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        Object message;
        while ((message = in.current()) != null) {
            if (!(message instanceof ByteBuf buffer)) {
                in.remove(new UnsupportedOperationException("only ByteBufs travel on a stream"));
                continue;
            }
            if (state != State.CONNECTED) {
                throw new ClosedChannelException();
            }
            ByteBuf segment = Unpooled.copiedBuffer(buffer); // the sender's buffer is released by remove()
            network.sent(segment.readableBytes());
            SimStreamChannel other = peer;
            send("sends " + segment.readableBytes() + " bytes", () -> other.arrived(segment));
            in.remove();
        }
    }

    /**
     * Runs {@code action} on the peer's loop once a segment sent now has crossed the network. Arrivals
     * at one instant may run in any order the seed picks, so each takes the oldest segment in flight,
     * not its own: the stream's order holds whatever the draw.
     */
    private void send(String what, Runnable action) {
        Simulation sim = network.simulation();
        long arrival = Math.max(sim.nanoTime() + network.delayNanos(), lastArrivalNanos);
        lastArrivalNanos = arrival;
        inFlight.add(action);
        SimStreamChannel other = peer;
        String from = host(local);
        String to = host(remote);
        sim.schedule(arrival - sim.nanoTime(), local + " " + what + " to " + remote,
                () -> network.arrive(from, to, () -> onLoopOf(other, inFlight.poll())));
    }

    /** Runs the action on the channel's loop; a stopped node's loop takes nothing (a dead host). */
    static void onLoopOf(io.netty.channel.Channel channel, Runnable action) {
        if (!channel.eventLoop().isShuttingDown()) {
            channel.eventLoop().execute(action);
        }
    }

    /** Whether either end of this stream is on the host. */
    boolean onHost(String host) {
        return host.equals(host(local)) || host.equals(host(remote));
    }

    /** Whether this end is on {@code here} and its other end on {@code there} (anywhere if null). */
    boolean from(String here, String there) {
        return here.equals(host(local)) && (there == null || there.equals(host(remote)));
    }

    /** Whether this end joins the two hosts (either way round). */
    boolean between(String hostA, String hostB) {
        String here = host(local);
        String there = host(remote);
        return hostA.equals(here) && hostB.equals(there) || hostB.equals(here) && hostA.equals(there);
    }

    private static String host(SocketAddress address) {
        return address instanceof java.net.InetSocketAddress inet ? inet.getHostString() : String.valueOf(address);
    }

    /**
     * This end's process died: the kernel closes its socket at once (no pipeline of it runs any more) and
     * resets the other end.
     */
    void crash() {
        resetting = true;
        state = State.CLOSED;
        network.closed(this);
        if (peer != null) {
            peer.reset();
        }
    }

    /** Aborts this end now (a reset): on its own loop, its pipeline sees the channel close. */
    void reset() {
        resetting = true;
        onLoopOf(this, () -> {
            if (isOpen()) {
                unsafe().close(unsafe().voidPromise());
            }
        });
    }

    private void arrived(ByteBuf segment) {
        if (!isActive() || resetting) { // what arrives at a reset end is dropped, as after an RST
            ReferenceCountUtil.release(segment);
            return;
        }
        pipeline().fireChannelRead(segment);
        pipeline().fireChannelReadComplete();
    }

    /** A dial: the accepting side learns of it after one delay, and the dialer after another. */
    private final class SimUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (state == State.CONNECTED || remote != null) {
                promise.setFailure(new IllegalStateException("already connected or connecting"));
                return;
            }
            local = localAddress != null ? localAddress : local != null ? local : network.ephemeral();
            remote = remoteAddress;
            SimStreamChannel dialer = SimStreamChannel.this;
            Simulation sim = network.simulation();
            int timeoutMillis = config().getConnectTimeoutMillis();
            if (timeoutMillis > 0) {
                eventLoop().schedule(() -> {
                    if (promise.tryFailure(new ConnectTimeoutException("connection timed out after " + timeoutMillis
                            + " ms: " + remoteAddress))) {
                        close(voidPromise());
                    }
                }, timeoutMillis, TimeUnit.MILLISECONDS);
            }
            sim.schedule(network.delayNanos(), local + " dials " + remoteAddress, () -> {
                if (network.isCut(host(local), host(remoteAddress))) {
                    return; // the SYN is lost: the connect timeout will tell
                }
                SimServerChannel listener = network.listener(remoteAddress);
                if (listener == null || !listener.isActive()) {
                    sim.schedule(network.delayNanos(), remoteAddress + " refuses " + local,
                            () -> onLoopOf(dialer, () -> refused(promise)));
                    return;
                }
                onLoopOf(listener, () -> {
                    SimStreamChannel accepted = new SimStreamChannel(listener, network, dialer);
                    peer = accepted;
                    listener.accept(accepted);
                    sim.schedule(network.delayNanos(), remoteAddress + " accepts " + local, () -> {
                        if (!network.isCut(host(remoteAddress), host(local))) {
                            onLoopOf(dialer, () -> connected(promise));
                        } // else the SYN-ACK is lost: the accepted end waits for bytes that never come
                    });
                });
            });
        }

        private void refused(ChannelPromise promise) {
            if (promise.tryFailure(annotateConnectException(new ConnectException("Connection refused"), remote))) {
                close(voidPromise());
            }
        }

        private void connected(ChannelPromise promise) {
            if (state != State.OPEN) {
                promise.tryFailure(new ClosedChannelException());
                return;
            }
            state = State.CONNECTED;
            network.connected(SimStreamChannel.this);
            if (promise.trySuccess()) {
                pipeline().fireChannelActive();
            } else {
                close(voidPromise()); // the connect was given up (its timeout): the stream goes
            }
        }
    }
}
