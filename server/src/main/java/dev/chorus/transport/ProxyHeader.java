package dev.chorus.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.SocketAddress;

/**
 * With server.proxyProtocol: the PROXY protocol v1 or v2 header every connection opens with (HAProxy's
 * {@code send-proxy-v2}), read by Netty's decoder ahead of everything else on the channel (TLS included). Its
 * source address becomes the channel's {@link #CLIENT}; a header that names none (a proxy's own health check,
 * {@code LOCAL} or {@code UNKNOWN}) leaves the TCP peer. A connection without a valid header is closed. Both
 * handlers leave the pipeline once the header is read. Vert.x's own PROXY support is not used: the address it
 * records is taken by the first connection object that asks for it, not the HTTP connection that serves the
 * request. Confined to the channel's event loop.
 */
final class ProxyHeader extends ChannelInboundHandlerAdapter {

  /** The client address a PROXY header named for this channel; unset without one. */
  static final AttributeKey<SocketAddress> CLIENT = AttributeKey.valueOf("chorus.proxy.client");

  private static final String DECODER = "chorus-proxy-decoder";
  private static final String HANDLER = "chorus-proxy-header";

  /** Puts the decoder and this handler first in {@code ctx}'s pipeline: call before the channel reads. */
  static void install(ChannelHandlerContext ctx) {
    if (ctx.pipeline().get(HANDLER) == null) {
      ctx.pipeline().addFirst(HANDLER, new ProxyHeader());
      ctx.pipeline().addFirst(DECODER, new HAProxyMessageDecoder());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (header.proxiedProtocol() != HAProxyProxiedProtocol.UNKNOWN && header.sourceAddress() != null
        && header.proxiedProtocol().transportProtocol() == HAProxyProxiedProtocol.TransportProtocol.STREAM
        && header.proxiedProtocol().addressFamily() != HAProxyProxiedProtocol.AddressFamily.AF_UNIX) {
        ctx.channel().attr(CLIENT).set(SocketAddress.inetSocketAddress(header.sourcePort(), header.sourceAddress()));
      }
    } finally {
      ReferenceCountUtil.release(header);
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // No PROXY header, or a broken one: nothing on this connection can be trusted to name its client.
    ctx.close();
  }
}
