package org.cohort.sim.net;

import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import java.util.Map;

/**
 * A simulated stream's options: Netty's defaults, plus {@link ChannelOption#SO_SNDBUF}, the end's send
 * buffer (how many bytes it may have in flight), as a socket channel's config has it.
 */
public final class SimStreamChannelConfig extends DefaultChannelConfig {

    private volatile int sendBufferSize;

    SimStreamChannelConfig(SimStreamChannel channel, int sendBufferSize) {
        super(channel);
        this.sendBufferSize = sendBufferSize;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_SNDBUF);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        if (option == ChannelOption.SO_SNDBUF) {
            validate(option, value);
            setSendBufferSize((Integer) value);
            return true;
        }
        return super.setOption(option, value);
    }

    /** At most this many bytes of the end are in flight; the rest waits in Netty's outbound buffer. */
    public int getSendBufferSize() {
        return sendBufferSize;
    }

    public SimStreamChannelConfig setSendBufferSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a send buffer of " + bytes + " bytes");
        }
        this.sendBufferSize = bytes;
        return this;
    }
}
