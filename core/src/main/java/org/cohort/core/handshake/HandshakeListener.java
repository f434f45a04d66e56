package org.cohort.core.handshake;

import io.netty.channel.Channel;

/** Decides what becomes of a stream whose peer sent a valid hello. */
public interface HandshakeListener {

    /**
     * Admits or refuses the stream; called on the channel's event loop.
     *
     * @param channel the stream's channel
     * @param direction who opened it
     * @param peer the peer's hello, already validated against the configuration
     * @return an action, run right after the local hello reply (if any) is written, that installs
     *     the message pipeline
     * @throws HelloException to refuse the stream; the message says why
     */
    Runnable admit(Channel channel, Direction direction, Hello peer) throws HelloException;
}
