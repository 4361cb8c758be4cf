package dev.chorus.transport;

import dev.chorus.config.Settings;
import dev.chorus.protocol.CloseCode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.net.SocketAddress;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The transport of one verticle instance: accepts upgrades (answering a permessage-deflate offer when
 * server.perMessageDeflate is on), turns each accepted Vert.x WebSocket into a {@link ClientSocket}, and runs
 * the heartbeat and the slow-consumer checks over this event loop's sockets. Build and use it on the
 * verticle's event loop.
 */
public final class Transport {

  /** How long a close the server started waits for the client's Close before the TCP connection is closed. */
  public static final long LINGER_MILLIS = 1000;

  private static final String FRAME_HANDLER = "chorus-frames";

  private final int maxMessageBytes;
  private final boolean perMessageDeflate;
  private final long writeDelayMillis;
  private final CloseListener listener;
  private final VertxInternals internals;
  private final Heartbeat heartbeat;
  private final SlowConsumers slowConsumers;
  /** The outbound queue's bounds, Vert.x's for setWriteQueueMaxSize, one instance for all sockets. */
  private final WriteBufferWaterMark waterMark;
  /** The local addresses this event loop's sockets share, one object per address ({@link VertxInternals}). */
  private final Map<SocketAddress, SocketAddress> localAddresses = new HashMap<>();
  /** The consolidated flushes of this transport's event loop, made with its first socket. */
  private Flushes flushes;
  /** The permessage-deflate state of this transport's event loop, made with its first deflate socket. */
  private DeflateCodec deflate;
  /**
   * Upgrades whose 101 answered permessage-deflate, until their socket is accepted, by their request headers:
   * the socket's headers are the same map. Only an answer given here turns compression on for a socket.
   */
  private final Map<MultiMap, PerMessageDeflate.Agreement> answered = new IdentityHashMap<>();

  /**
   * A transport with {@code limits} (ping, idle timeout, outbound queue) and {@code server}'s maxMessageBytes
   * and perMessageDeflate, telling {@code listener} of every close the server starts.
   */
  public Transport(Vertx vertx, Settings.Limits limits, Settings.Server server, CloseListener listener) {
    this(vertx, limits, server, listener, NodeInternals.INSTANCE);
  }

  Transport(Vertx vertx, Settings.Limits limits, Settings.Server server, CloseListener listener, VertxInternals internals) {
    this.maxMessageBytes = server.maxMessageBytes();
    this.perMessageDeflate = server.perMessageDeflate();
    this.writeDelayMillis = server.writeDelayMillis();
    this.listener = listener;
    this.internals = internals;
    this.heartbeat = new Heartbeat(vertx, limits.pingIntervalSeconds(), limits.idleTimeoutSeconds());
    this.slowConsumers = new SlowConsumers(vertx, limits.writeQueueMaxBytes(), limits.slowConsumerTimeoutMillis());
    this.waterMark = new WriteBufferWaterMark(slowConsumers.maxQueueBytes() / 2, slowConsumers.maxQueueBytes());
  }

  /**
   * The kernel send buffer (SO_SNDBUF) of each accepted connection. Left to the kernel, a socket whose client
   * stopped reading grows it to net.ipv4.tcp_wmem's maximum (4 MiB by default) on top of the outbound queue
   * the transport bounds, and lets a queue sit under its limit, never starting the slow-consumer clock, while
   * megabytes wait in the kernel. 256 KiB (the kernel doubles it for its bookkeeping) still keeps a client
   * 100 ms away fed at over 2.5 MB/s.
   */
  public static final int SEND_BUFFER_BYTES = 256 * 1024;

  /**
   * The WebSocket options of the HTTP server: frames and messages up to {@code maxMessageBytes} (a larger
   * frame is refused with 1009 as soon as its header arrives, a larger message as soon as a fragment takes
   * it over), none of Vert.x's compression (per-connection compressor state costs memory and CPU for
   * every socket of a broadcast): permessage-deflate is the transport's own ({@link #accept(ServerWebSocketHandshake)}),
   * and each connection's kernel send buffer capped at {@link #SEND_BUFFER_BYTES}.
   */
  public static HttpServerOptions configure(HttpServerOptions options, int maxMessageBytes) {
    return options
      .setSendBufferSize(SEND_BUFFER_BYTES)
      .setMaxWebSocketFrameSize(maxMessageBytes)
      .setMaxWebSocketMessageSize(maxMessageBytes)
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
  }

  /** Starts the heartbeat and slow-consumer timers. */
  public void start() {
    heartbeat.start();
    slowConsumers.start();
  }

  /** Stops the timers. */
  public void stop() {
    heartbeat.stop();
    slowConsumers.stop();
  }

  /**
   * Accepts an admitted upgrade: call from the WebSocket handshake handler instead of {@code handshake.accept()}.
   * With server.perMessageDeflate on, the first acceptable permessage-deflate offer ({@link PerMessageDeflate})
   * is answered in the 101; the result is the handshake's. Only where the transport owns the frames: with the {@link PublicWire} fallback no
   * extension is negotiated (Vert.x's own permessage-deflate is left off, since it would compress every
   * message again for every socket).
   */
  public Future<ServerWebSocket> accept(ServerWebSocketHandshake handshake) {
    MultiMap headers = handshake.headers();
    PerMessageDeflate.Agreement agreed = agreement(headers);
    if (agreed != null && internals.answerExtensions(handshake, agreed.response())) {
      answered.put(headers, agreed);
      return handshake.accept().onFailure(failure -> answered.remove(headers));
    }
    return handshake.accept();
  }

  /** What the 101 is to answer to the upgrade request's {@code headers}: null for no extension. */
  private PerMessageDeflate.Agreement agreement(MultiMap headers) {
    if (!perMessageDeflate || headers == null || !internals.pipelineReachable() || !internals.extensionsAnswerable()) {
      return null;
    }
    return PerMessageDeflate.negotiate(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS));
  }

  /**
   * Takes over a freshly accepted socket: call first thing in the WebSocket handler, on its event loop.
   * The socket's handshake headers are released: read them before (in the handshake handler).
   */
  public ClientSocket accept(ServerWebSocket socket) {
    MultiMap headers = socket.headers();
    PerMessageDeflate.Agreement agreed = headers == null ? null : answered.remove(headers);
    ChannelHandlerContext vertxHandler = internals.pipeline(socket);
    internals.makeLean(vertxHandler);
    if (vertxHandler != null) {
      internals.shareLocalAddress(vertxHandler.channel(), localAddresses);
      // What socket.setWriteQueueMaxSize does (high-water mark the size, low half of it), without a mark
      // object of its own for every socket.
      vertxHandler.channel().config().setWriteBufferWaterMark(waterMark);
    } else {
      socket.setWriteQueueMaxSize(slowConsumers.maxQueueBytes());
    }
    WebSocketFrameDecoder netty = vertxHandler == null ? null : vertxHandler.pipeline().get(WebSocketFrameDecoder.class);
    Wire wire;
    if (netty != null) {
      ChannelPipeline pipeline = vertxHandler.pipeline();
      EventExecutor loop = vertxHandler.executor();
      FrameHandler frames = new FrameHandler(maxMessageBytes, LINGER_MILLIS, listener, flushesOn(loop),
        agreed == null ? null : deflateOn(loop), agreed);
      // Netty's decoder and encoder make way for this one handler, which frames both ways. It is added
      // after Netty's decoder, so that bytes the decoder holds when removed are passed on to it. Vert.x 5.0
      // hands the socket over before any frame is read (bytes behind the upgrade request wait in the HTTP
      // decoder), so the stream is at a frame boundary here.
      pipeline.addBefore(vertxHandler.name(), FRAME_HANDLER, frames);
      pipeline.remove(netty);
      if (pipeline.get(WebSocketFrameEncoder.class) != null) {
        pipeline.remove(WebSocketFrameEncoder.class);
      }
      wire = frames;
    } else {
      wire = new PublicWire(socket, maxMessageBytes, listener);
    }
    VertxClientSocket client = new VertxClientSocket(socket, wire, slowConsumers, heartbeat);
    if (vertxHandler != null) {
      client.proxiedFrom = vertxHandler.channel().attr(ProxyHeader.CLIENT).get();
    }
    socket.shutdownHandler(v -> client.close(CloseCode.GOING_AWAY));
    internals.releaseHeaders(socket);
    return client;
  }

  /**
   * The consolidated flushes of {@code loop}: a transport serves one event loop (its verticle's), so a
   * socket on another one, which Vert.x does not hand out, would be flushed at once instead.
   */
  private Flushes flushesOn(EventExecutor loop) {
    if (flushes == null) {
      flushes = new Flushes(loop, writeDelayMillis);
    }
    return flushes.runsOn(loop) ? flushes : null;
  }

  /** The permessage-deflate state of {@code loop}; a socket on another one gets a state of its own. */
  private DeflateCodec deflateOn(EventExecutor loop) {
    if (deflate == null) {
      deflate = new DeflateCodec(loop);
    }
    return deflate.runsOn(loop) ? deflate : new DeflateCodec(loop);
  }

  /** Whether this transport reaches the Netty pipeline (false: Vert.x's public behaviour). */
  boolean ownsFrames() {
    return internals.pipelineReachable();
  }

  /** The internals of the Vert.x on the class path, looked up once per node process. */
  static final class NodeInternals {
    static final VertxInternals INSTANCE = VertxInternals.find();
  }
}
