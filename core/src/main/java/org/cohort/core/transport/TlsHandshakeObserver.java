package org.cohort.core.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import org.cohort.core.handshake.HelloException;
import org.cohort.core.util.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Right behind the TLS handler: a failed TLS handshake (a plaintext peer, an untrusted certificate,
 * none) is a refusal, counted as {@code tls} and logged; a connection that merely went away during the
 * handshake (a duplicate dial closed by the tie-break, say) is not.
 */
final class TlsHandshakeObserver extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeObserver.class);

    private final TransportCounters counters;

    TlsHandshakeObserver(TransportCounters counters) {
        this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (!completion.isSuccess()) {
                Throwable cause = completion.cause();
                if (closedMeanwhile(cause)) {
                    LOG.debug("Stream {} closed during its TLS handshake", ctx.channel().remoteAddress());
                } else {
                    counters.handshakeRefused(HelloException.Reason.TLS);
                    LOG.warn("Refused stream {}: TLS handshake failed: {}", ctx.channel().remoteAddress(),
                            LogText.escape(String.valueOf(cause.getMessage())));
                }
                ctx.close();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(event);
    }

    private static boolean closedMeanwhile(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ClosedChannelException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.toLowerCase(Locale.ROOT).contains("connection closed")) {
                return true;
            }
        }
        return false;
    }
}
