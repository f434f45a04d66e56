package org.cohort.core.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every stream: whatever failed on the way in (garbage, a frame over the limit, an
 * envelope that does not decode) closes that stream with one log line and a count. The worker thread and
 * every other stream carry on.
 */
@Sharable
final class StreamErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(StreamErrorHandler.class);

    /** Set on a stream closed for bad input: nothing it still holds is delivered. */
    static final AttributeKey<Boolean> BAD_INPUT = AttributeKey.valueOf("cohort.badInput");

    private final TransportCounters counters;

    StreamErrorHandler(TransportCounters counters) {
        this.counters = counters;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (tlsFailure(cause) != null) {
            // Counted and logged by TlsHandshakeObserver, from the handshake's outcome.
            LOG.debug("Stream {}: TLS failure: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        if (Boolean.TRUE.equals(ctx.channel().attr(BAD_INPUT).get())) {
            // Closing already: one bad stream is one count and one log line, however much followed.
            LOG.debug("Stream {}: more bad input after the break: {}", ctx.channel().remoteAddress(), cause.toString());
            return;
        }
        if (cause instanceof IOException) {
            LOG.debug("Stream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            counters.badFrames.increment();
            ctx.channel().attr(BAD_INPUT).set(Boolean.TRUE);
            Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            LOG.warn("Closing stream {}: bad input: {}", ctx.channel().remoteAddress(), reason.toString());
        }
        ctx.close();
    }

    /** The TLS failure behind an exception, if that is what it is (a plaintext peer, an untrusted one). */
    private static SSLException tlsFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
        }
        return null;
    }
}
