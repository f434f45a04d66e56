package org.cohort.sim.net;

import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;
import org.cohort.sim.SimEventLoop;

/**
 * A simulated listener: bound to an address of its {@link SimNetwork}, it hands each accepted stream to its
 * pipeline, where {@code ServerBootstrap}'s acceptor gives it a worker, as a server socket channel does.
 */
public final class SimServerChannel extends AbstractServerChannel {

    private final SimNetwork network;
    private final ChannelConfig config = new DefaultChannelConfig(this);
    private SocketAddress local;
    private boolean open = true;

    public SimServerChannel(SimNetwork network) {
        this.network = network;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && local != null;
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
    protected void doBind(SocketAddress localAddress) throws Exception {
        network.bind(localAddress, this);
        local = localAddress;
    }

    @Override
    protected void doClose() {
        open = false;
        if (local != null) {
            network.unbind(local, this);
        }
    }

    @Override
    protected void doBeginRead() {
        // Accepted streams are handed on as they come (see accept).
    }

    /** A dial reached this listener; on its loop. */
    void accept(SimStreamChannel accepted) {
        pipeline().fireChannelRead(accepted);
        pipeline().fireChannelReadComplete();
    }
}
