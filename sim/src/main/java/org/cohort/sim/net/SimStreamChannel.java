package org.cohort.sim.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
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
 * {@link SimNetwork}. Bytes written and flushed arrive at the other end's pipeline after their link's
 * delay (and bandwidth), in order; a close reaches the other end the same way, behind the bytes sent
 * before it. A connect to an address nobody listens on, or to a host that {@link SimNetwork#refuse
 * refuses}, fails with {@link ConnectException} after a round trip, as a refused TCP connect does.
 *
 * <p>Like a kernel socket, an end has a send buffer ({@link SimStreamChannelConfig#getSendBufferSize},
 * {@code SO_SNDBUF}): at most that many bytes are in flight, and a flush beyond it sends what fits (a
 * large buffer in several segments) and leaves the rest in Netty's outbound buffer, where it counts
 * towards the write buffer's high water mark, so {@link #isWritable()} turns false when a writer outruns
 * the network, as it does in production. Writing resumes, on the channel's loop, when segments arrive.
 */
public final class SimStreamChannel extends AbstractChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private enum State { OPEN, CONNECTED, CLOSED }

    private final SimNetwork network;
    private final SimStreamChannelConfig config;
    private State state = State.OPEN;
    private SocketAddress local;
    private SocketAddress remote;
    private SimStreamChannel peer;
    /** The link this end sends on, and its label in the trace: both set at the first send. */
    private SimLink link;
    private String route;
    /** When this end's last segment arrives at the peer: later ones never arrive before it. */
    private long lastArrivalNanos;
    /** Closing because of a reset: no FIN follows, the other end is reset too. */
    private boolean resetting;
    /** Reset with all in flight lost: segments that reach this end's loop now are dropped. */
    private boolean droppingArrivals;
    /** What this end sent that has not arrived yet, oldest first. */
    private final ArrayDeque<Segment> inFlight = new ArrayDeque<>();
    /** The bytes of {@link #inFlight}: the part of the send buffer in use. */
    private long inFlightBytes;
    /** A flush stopped at a full send buffer: the next arrival resumes it. */
    private boolean writeBlocked;

    /** What crosses the network: bytes of the stream, or its end (a FIN, no payload). */
    private record Segment(ByteBuf payload) {
        static final Segment FIN = new Segment(null);

        int length() {
            return payload == null ? 0 : payload.readableBytes();
        }
    }

    /** A stream to dial with. */
    public SimStreamChannel(SimNetwork network) {
        super(null);
        this.network = network;
        this.config = new SimStreamChannelConfig(this, network.sendBufferBytes());
    }

    /** The accepting end of a connection, already connected. */
    SimStreamChannel(SimServerChannel parent, SimNetwork network, SimStreamChannel dialer) {
        super(parent);
        this.network = network;
        this.config = new SimStreamChannelConfig(this, network.sendBufferBytes());
        this.local = parent.localAddress();
        this.remote = dialer.local;
        this.peer = dialer;
        this.state = State.CONNECTED;
        network.connected(this);
    }

    @Override
    public SimStreamChannelConfig config() {
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
            send("closes its end", Segment.FIN); // behind every segment sent before it
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
            int readable = buffer.readableBytes();
            if (readable == 0) {
                in.remove(); // TCP sends no empty segment
                continue;
            }
            long room = config.getSendBufferSize() - inFlightBytes;
            if (room <= 0) {
                writeBlocked = true; // the rest stays in the outbound buffer, counted by its water marks
                return;
            }
            int length = (int) Math.min(readable, room);
            // A copy: the sender's buffer is released (or, if partly sent, advanced) by removeBytes.
            ByteBuf payload = Unpooled.buffer(length).writeBytes(buffer, buffer.readerIndex(), length);
            network.sent(length);
            send("sends " + length + " bytes", new Segment(payload));
            in.removeBytes(length);
        }
    }

    /**
     * Sends a segment now: it waits for its link to finish sending what it was given before, crosses,
     * and is handed to the peer's loop. Arrivals at one instant may run in any order the seed picks, so
     * each takes the oldest segment in flight, not its own: the stream's order holds whatever the draw.
     */
    private void send(String what, Segment segment) {
        Simulation sim = network.simulation();
        if (link == null) { // the addresses are known once connected; formatting them per segment costs
            link = network.link(host(local), host(remote));
            route = local + " to " + remote + ": ";
        }
        inFlight.add(segment);
        inFlightBytes += segment.length();
        String label = route + what;
        link.send(segment.length(), () -> {
            // Its last byte has left: it crosses in the link's latency and jitter, never overtaking.
            long arrival = Math.max(sim.nanoTime() + network.delayNanos(link), lastArrivalNanos);
            lastArrivalNanos = arrival;
            sim.schedule(arrival - sim.nanoTime(), label, () -> network.arrive(link, this::crossed));
        }, () -> !resetting);
    }

    /** The oldest segment in flight has crossed: to the peer's loop with it, and room in the send buffer. */
    private void crossed() {
        Segment segment = inFlight.poll();
        if (segment == null) {
            return; // a reset in the middle of a segment took what was in flight
        }
        inFlightBytes -= segment.length();
        SimStreamChannel other = peer;
        onLoopOf(other, () -> other.received(segment));
        if (writeBlocked) {
            writeBlocked = false;
            onLoopOf(this, this::resumeWriting);
        }
    }

    /** Sends what a full send buffer held back, as NIO's forceFlush does when the socket is writable again. */
    private void resumeWriting() {
        if (isActive()) {
            ((SimUnsafe) unsafe()).resumeWriting();
        }
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

    /** "here>there": this end's host and its other end's. */
    String hosts() {
        return host(local) + ">" + host(remote);
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
        droppingArrivals = true;
        onLoopOf(this, this::closeForReset);
    }

    /**
     * Aborts this end in the middle of the oldest segment the peer has in flight to it: on its own loop,
     * its pipeline reads what had already crossed, then a prefix of that segment, then sees the channel
     * close. The rest of what the peer had in flight is lost now.
     */
    void resetMidSegment() {
        resetting = true;
        ByteBuf prefix = peer == null ? null : peer.dropInFlightButAPrefix();
        onLoopOf(this, () -> {
            if (prefix != null) {
                read(prefix);
            }
            closeForReset();
        });
    }

    /**
     * Drops what this end has in flight, but for a copy of a prefix of its oldest segment (1 byte to all
     * but one, drawn by the network), which it returns; null if that segment cannot be cut (none, a close,
     * or a single byte).
     */
    private ByteBuf dropInFlightButAPrefix() {
        Segment oldest = inFlight.peek();
        ByteBuf prefix = null;
        if (oldest != null && oldest.length() > 1) {
            int length = network.truncatedLength(oldest.length());
            prefix = Unpooled.buffer(length).writeBytes(oldest.payload(), oldest.payload().readerIndex(), length);
        }
        for (Segment segment : inFlight) {
            ReferenceCountUtil.release(segment.payload());
        }
        inFlight.clear();
        inFlightBytes = 0;
        return prefix;
    }

    private void closeForReset() {
        if (isOpen()) {
            unsafe().close(unsafe().voidPromise());
        }
    }

    /** A segment from the peer reached this end's loop. */
    private void received(Segment segment) {
        if (segment.payload() == null) {
            if (isOpen()) {
                unsafe().close(unsafe().voidPromise()); // the peer's FIN
            }
        } else if (droppingArrivals) { // what arrives at a reset end is dropped, as after an RST
            ReferenceCountUtil.release(segment.payload());
        } else {
            read(segment.payload());
        }
    }

    private void read(ByteBuf bytes) {
        if (!isActive()) {
            ReferenceCountUtil.release(bytes);
            return;
        }
        pipeline().fireChannelRead(bytes);
        pipeline().fireChannelReadComplete();
    }

    /** A dial: the accepting side learns of it after one delay, and the dialer after another. */
    private final class SimUnsafe extends AbstractUnsafe {

        /** Writes what is flushed and still waits, without flushing what was only written. */
        void resumeWriting() {
            super.flush0();
        }

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
            SimLink there = network.link(host(local), host(remoteAddress));
            SimLink back = network.link(host(remoteAddress), host(local));
            sim.schedule(network.delayNanos(there), local + " dials " + remoteAddress, () -> {
                if (network.isCut(host(local), host(remoteAddress))) {
                    return; // the SYN is lost: the connect timeout will tell
                }
                SimServerChannel listener = network.listener(remoteAddress);
                if (listener == null || !listener.isActive()) {
                    sim.schedule(network.delayNanos(back), remoteAddress + " refuses " + local,
                            () -> onLoopOf(dialer, () -> refused(promise)));
                    return;
                }
                onLoopOf(listener, () -> {
                    SimStreamChannel accepted = new SimStreamChannel(listener, network, dialer);
                    peer = accepted;
                    listener.accept(accepted);
                    sim.schedule(network.delayNanos(back), remoteAddress + " accepts " + local, () -> {
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
