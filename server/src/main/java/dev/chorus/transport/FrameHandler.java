package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * The frame level of one WebSocket: the one Chorus handler in its Netty pipeline, just below Vert.x's, in place
 * of Netty's frame decoder and encoder (one handler instead of three keeps an idle connection smaller):
 * <ul>
 *   <li><b>Frames in</b>: the bytes read are decoded by this socket's {@link FrameDecoder}, a partial frame
 *   kept until the rest arrives (Netty's merge cumulation, as its own decoders do).</li>
 *   <li><b>Frames out</b>: every frame is written as bytes, framed here (RFC 6455 §5.2, unmasked): its own
 *   (text replies, pings, Closes) and Vert.x's (binary messages, pongs, its Close), which pass {@link #write}.
 *   A control frame over 125 bytes is refused, its write failed.</li>
 *   <li><b>Messages.</b> Fragmented text and binary messages are joined here, so Vert.x only ever sees whole
 *   messages as single final frames (its own aggregator drops a message whose first fragment is empty, and
 *   every later one of that type). Empty fragments anywhere, any number of continuations up to the size
 *   limit, control frames between fragments. A message over the limit: 1009. Text is validated as UTF-8
 *   across its fragments, failing at the first invalid byte: 1007.</li>
 *   <li><b>Compressed messages</b> (RSV1 on the first frame, where permessage-deflate was agreed): joined
 *   like the others, then inflated ({@link MessageInflater}) with the size limit on the inflated size (the
 *   compressed one may not pass it either): 1009; data that is not deflate: 1007; then UTF-8 as above.</li>
 *   <li><b>Protocol violations</b> found by the decoder ({@link FrameDecoder.Violation}): closed with their
 *   code; when the broken frame was the client's Close, the TCP connection is closed once ours is written.</li>
 *   <li><b>The outbound queue</b> (Netty's, bounded by the channel's water marks, limits.writeQueueMaxBytes):
 *   its passing the high-water mark and draining below the low one are told to the socket above
 *   ({@link #watchQueue}), which decides what may still be written ({@link ClientSocket}); Vert.x's pongs are
 *   dropped while it is full.</li>
 *   <li><b>The close contract</b> ({@link ClientSocket}): one Close frame, nothing after it, input discarded
 *   until the client's Close or the linger, then TCP closed. Writes from Vert.x after the Close (its own
 *   Close 1000, pongs) are dropped here. The TCP close is issued from this handler, below Vert.x's, so Vert.x
 *   adds no Close of its own and only sees the channel go inactive.</li>
 *   <li><b>Direct writes</b> of pre-encoded text, and of {@link OutboundFrame}s framed once for a whole
 *   fan-out, written as they are (with permessage-deflate, the fan-out's compressed
 *   frame, compressed once for the event loop). Flushed once per read when written while one is in progress
 *   (replies), else with the event loop's next consolidated flush ({@link Flushes}). Single writes (replies,
 *   replays, echoes) and everything Vert.x writes (binary messages, pongs) go out uncompressed on every
 *   connection: compressing them would cost CPU for each socket, and RFC 7692 lets each message choose.</li>
 * </ul>
 * A Close the client starts is answered with its status code (RFC 6455 §5.5.1) and passed on to Vert.x, which
 * records it; the TCP connection is closed once the answer is written. Confined to the channel's event loop.
 */
final class FrameHandler extends ChannelDuplexHandler implements Wire, Flushes.Pending, FrameDecoder.Sink {

  private static final byte[] PING = {'c', 'h', 'o', 'r', 'u', 's'};
  private static final int FIN = 0x80;
  private static final int OPCODE_TEXT = 0x1;
  private static final int OPCODE_PING = 0x9;

  private final int maxMessageBytes;
  private final long lingerMillis;
  private final CloseListener listener;
  private final Flushes flushes;
  /** Both null when permessage-deflate was not agreed. */
  private final MessageInflater inflater;
  private final DeflateCodec deflate;
  /** With deflate: the longest message sent compressed (the client's server_max_window_bits). */
  private final int longestCompressed;
  private final FrameDecoder decoder;
  /** Made with the first text frame: an idle connection has none. */
  private Utf8Validator utf8;
  private ChannelHandlerContext ctx;
  private ChannelPromise quiet;
  /** Bytes read that do not make a whole frame yet; null when every byte read was decoded. */
  private ByteBuf cumulation;
  /** Within the read in progress: bytes came in, and at least one frame or violation was decoded from them. */
  private boolean readBytes;
  private boolean decodedFrames;
  private ByteBuf fragments;
  private boolean fragmentsText;
  private boolean fragmentsCompressed;
  private boolean closeSent;
  private ChannelFuture closeWritten;
  private ScheduledFuture<?> linger;
  private boolean reading;
  private boolean flushPending;
  private boolean flushMarked;
  private boolean deliveryMarked;
  private long lastHeardNanos = System.nanoTime();
  /** Told when the outbound queue passes its high-water mark and when it drains again; null until watched. */
  private Runnable queueFull;
  private Runnable queueDrained;

  /** {@code flushes} consolidates this socket's flushes with its event loop's others; null: each flushed at once. */
  FrameHandler(int maxMessageBytes, long lingerMillis, CloseListener listener, Flushes flushes) {
    this(maxMessageBytes, lingerMillis, listener, flushes, null, null);
  }

  /**
   * A socket with permessage-deflate {@code agreed} (null: without it), sharing {@code deflate} with the other
   * sockets of its event loop.
   */
  FrameHandler(int maxMessageBytes, long lingerMillis, CloseListener listener, Flushes flushes, DeflateCodec deflate,
               PerMessageDeflate.Agreement agreed) {
    this.maxMessageBytes = maxMessageBytes;
    this.lingerMillis = lingerMillis;
    this.listener = listener;
    this.flushes = flushes;
    this.inflater = agreed == null ? null : new MessageInflater(maxMessageBytes, deflate, !agreed.clientNoContextTakeover());
    this.deflate = agreed == null ? null : deflate;
    this.longestCompressed = agreed == null ? 0 : agreed.longestCompressed();
    this.decoder = new FrameDecoder(maxMessageBytes, agreed != null);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Unlike ctx.voidPromise(), a failed write (the channel closed under queued deliveries) fires no
    // exception through the pipeline. The channel's own (Netty's unsafe void promise) is such a promise.
    this.quiet = ctx.channel().unsafe().voidPromise();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseCumulation();
    releaseFragments();
    endInflater();
  }

  // ---- inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      decode(bytes);
    } else {
      received(msg);
    }
  }

  /** The bytes of one read (released here), decoded with what was left of the reads before. */
  private void decode(ByteBuf bytes) {
    readBytes = true;
    ByteBuf in = cumulation == null ? bytes : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, bytes);
    cumulation = null;
    try {
      decoder.decode(in, this);
    } finally {
      if (in.isReadable() && ctx.channel().isActive()) {
        in.discardSomeReadBytes();
        cumulation = in;
      } else {
        in.release();
      }
    }
  }

  @Override
  public void decoded(Object frameOrViolation) {
    decodedFrames = true;
    received(frameOrViolation);
  }

  /** A frame or a violation from the decoder (or, in tests, written into the pipeline as it is). */
  private void received(Object msg) {
    if (msg instanceof FrameDecoder.Violation violation) {
      close(violation.code());
      if (violation.clientClosed()) {
        closeWhenWritten();
      }
      return;
    }
    if (closeSent) {
      boolean clientClose = msg instanceof CloseWebSocketFrame;
      ReferenceCountUtil.release(msg);
      if (clientClose) {
        closeWhenWritten();
      }
      return;
    }
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    lastHeardNanos = System.nanoTime();
    reading = true;
    if (frame instanceof ContinuationWebSocketFrame) {
      continueMessage(frame);
    } else if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
      startMessage(frame);
    } else if (frame instanceof CloseWebSocketFrame close) {
      clientClosed(close);
    } else {
      // Ping (Vert.x answers it with a pong) or pong: allowed between fragments.
      ctx.fireChannelRead(frame);
    }
  }

  private void startMessage(WebSocketFrame frame) {
    // The decoder refuses a new message inside a fragmented one; frames are within the size limit; RSV1
    // comes only where permessage-deflate was agreed.
    boolean text = frame instanceof TextWebSocketFrame;
    boolean compressed = inflater != null && (frame.rsv() & 0x4) != 0;
    if (text && !compressed && !utf8().check(frame.content())) {
      refuse(frame, CloseCode.INVALID_PAYLOAD);
      return;
    }
    if (frame.isFinalFragment()) {
      if (compressed) {
        ByteBuf whole = frame.content().retain();
        frame.release();
        deliverCompressed(whole, text);
        return;
      }
      if (text && !utf8().finish()) {
        refuse(frame, CloseCode.INVALID_PAYLOAD);
        return;
      }
      ctx.fireChannelRead(frame);
      return;
    }
    fragmentsText = text;
    fragmentsCompressed = compressed;
    int first = frame.content().readableBytes();
    fragments = Unpooled.buffer((int) Math.min(maxMessageBytes, Math.max(256L, 2L * first)), maxMessageBytes);
    append(frame);
  }

  private void continueMessage(WebSocketFrame frame) {
    if (fragments == null) {
      // Not after a start (the decoder refuses such continuations): dropped, to be safe.
      frame.release();
      return;
    }
    if (fragments.readableBytes() + frame.content().readableBytes() > maxMessageBytes) {
      refuse(frame, CloseCode.MESSAGE_TOO_BIG);
    } else if (fragmentsText && !fragmentsCompressed && !utf8().check(frame.content())) {
      refuse(frame, CloseCode.INVALID_PAYLOAD);
    } else {
      append(frame);
    }
  }

  private void refuse(WebSocketFrame frame, CloseCode code) {
    frame.release();
    close(code);
  }

  private void append(WebSocketFrame frame) {
    boolean last = frame.isFinalFragment();
    fragments.writeBytes(frame.content());
    frame.release();
    if (!last) {
      return;
    }
    ByteBuf whole = fragments;
    fragments = null;
    if (fragmentsCompressed) {
      deliverCompressed(whole, fragmentsText);
      return;
    }
    if (fragmentsText && !utf8().finish()) {
      whole.release();
      close(CloseCode.INVALID_PAYLOAD);
      return;
    }
    deliver(whole, fragmentsText);
  }

  /** Inflates a whole compressed message (released here), checks it and hands it on. */
  private void deliverCompressed(ByteBuf compressed, boolean text) {
    ByteBuf inflated;
    try {
      inflated = inflater.inflate(compressed);
    } catch (MessageInflater.Refused refused) {
      close(refused.code());
      return;
    } finally {
      compressed.release();
    }
    if (text && !(utf8().check(inflated) && utf8().finish())) {
      inflated.release();
      close(CloseCode.INVALID_PAYLOAD);
      return;
    }
    deliver(inflated, text);
  }

  private Utf8Validator utf8() {
    if (utf8 == null) {
      utf8 = new Utf8Validator();
    }
    return utf8;
  }

  private void deliver(ByteBuf whole, boolean text) {
    ctx.fireChannelRead(text ? new TextWebSocketFrame(true, 0, whole) : new BinaryWebSocketFrame(true, 0, whole));
  }

  /** The client started the close: answer with its code, let Vert.x record it, close TCP once written. */
  private void clientClosed(CloseWebSocketFrame close) {
    closeSent = true;
    releaseFragments();
    int code = close.statusCode();
    CloseWebSocketFrame answer = code < 0
      ? new CloseWebSocketFrame(true, 0, Unpooled.EMPTY_BUFFER)
      : new CloseWebSocketFrame(code, "");
    closeWritten = ctx.writeAndFlush(framed(answer));
    scheduleLinger();
    ctx.fireChannelRead(close);
    closeWhenWritten();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // As Netty's decoders do: bytes came in but no frame was whole yet, and nothing below asks for more.
    boolean starved = readBytes && !decodedFrames && !ctx.channel().config().isAutoRead();
    readBytes = false;
    decodedFrames = false;
    reading = false;
    if (flushPending) {
      flushPending = false;
      ctx.flush();
    }
    if (starved) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  /** The outbound queue passed its high-water mark, or drained below its low one: the socket is told. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Runnable told = ctx.channel().isWritable() ? queueDrained : queueFull;
    if (told != null && !closeSent) {
      told.run();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (closeSent) {
      // A reset while lingering: the connection is ending anyway.
      ctx.close();
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeSent = true;
    releaseCumulation();
    releaseFragments();
    endInflater();
    if (linger != null) {
      linger.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
    if (utf8 != null) {
      utf8.reset();
    }
  }

  private void releaseCumulation() {
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
  }

  private void endInflater() {
    if (inflater != null) {
      inflater.end();
    }
  }

  // ---- outbound: the gate for what Vert.x writes

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (closeSent && msg instanceof ByteBuf bytes && !bytes.isReadable()) {
      // Vert.x's "flush, then close the channel" marker: it completes once our Close is written.
      ctx.write(msg, promise);
      return;
    }
    if (closeSent) {
      ReferenceCountUtil.release(msg);
      if (!promise.isVoid()) {
        promise.tryFailure(new ClosedChannelException());
      }
      return;
    }
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.write(msg, promise);
      return;
    }
    if (frame instanceof PongWebSocketFrame && !ctx.channel().isWritable()) {
      // Vert.x's answer to a ping, to a client whose queue is full: dropped, so that pings a client sends
      // without reading cost nothing past the limit (RFC 6455 §5.5.3 lets a pong answer only the latest).
      frame.release();
      promise.trySuccess();
      return;
    }
    ByteBuf bytes;
    try {
      bytes = framed(frame);
    } catch (TooLongFrameException | UnsupportedOperationException e) {
      promise.tryFailure(e);
      return;
    }
    if (frame instanceof CloseWebSocketFrame) {
      // Vert.x closing the socket itself (vertx.close()): the same contract, with Vert.x's frame.
      startClose(ctx.write(bytes, promise));
      return;
    }
    ctx.write(bytes, promise);
  }

  /**
   * {@code frame} (released here) as the bytes of a server frame: FIN, RSV and opcode, the length in its
   * shortest form, no mask, the payload (RFC 6455 §5.2), as Netty's encoder writes it.
   */
  private ByteBuf framed(WebSocketFrame frame) {
    try {
      int opcode = opcode(frame);
      ByteBuf payload = frame.content();
      if (opcode >= 0x8 && payload.readableBytes() > 125) {
        throw new TooLongFrameException("a control frame's payload must be at most 125 bytes, was " + payload.readableBytes());
      }
      int first = (frame.isFinalFragment() ? FIN : 0) | (frame.rsv() % 8) << 4 | opcode;
      return OutboundFrame.frame(ctx.alloc(), first, payload);
    } finally {
      frame.release();
    }
  }

  private static int opcode(WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame) {
      return OPCODE_TEXT;
    } else if (frame instanceof BinaryWebSocketFrame) {
      return 0x2;
    } else if (frame instanceof ContinuationWebSocketFrame) {
      return 0x0;
    } else if (frame instanceof CloseWebSocketFrame) {
      return 0x8;
    } else if (frame instanceof PingWebSocketFrame) {
      return OPCODE_PING;
    } else if (frame instanceof PongWebSocketFrame) {
      return 0xA;
    }
    throw new UnsupportedOperationException("not a WebSocket frame Chorus writes: " + frame.getClass().getName());
  }

  // ---- Wire

  @Override
  public void sendText(byte[] utf8) {
    assert ctx.executor().inEventLoop() : "a write to a WebSocket off its event loop (the direct write queue needs it)";
    if (!closeSent) {
      ctx.write(OutboundFrame.frame(ctx.alloc(), FIN | OPCODE_TEXT, utf8, utf8.length), quiet);
      flushSoon(false);
    }
  }

  @Override
  public void send(OutboundFrame frame) {
    assert ctx.executor().inEventLoop() : "a write to a WebSocket off its event loop (the direct write queue needs it)";
    if (!closeSent) {
      // The writes after a Close are dropped by write() above, which this skips: closeSent is checked here.
      ByteBuf bytes = deflate == null ? frame.retainedFrame(ctx.alloc())
        : frame.retainedCompressedFrame(ctx.alloc(), deflate, longestCompressed);
      ctx.write(bytes, quiet);
      flushSoon(true);
    }
  }

  /**
   * Flushes at the end of the read in progress, else with the event loop's next batch: a {@code delivery}
   * (a fan-out's frame) with the next batch of deliveries, which may wait for server.writeDelayMillis.
   */
  private void flushSoon(boolean delivery) {
    if (reading) {
      flushPending = true;
    } else if (flushes == null) {
      ctx.flush();
    } else if (delivery && flushes.delaysDeliveries()) {
      if (!deliveryMarked) {
        deliveryMarked = true;
        flushes.markDelivery(this);
      }
    } else if (!flushMarked) {
      flushMarked = true;
      flushes.mark(this);
    }
  }

  /** Everything written goes out: a later batch this socket is still marked in flushes nothing more. */
  @Override
  public void flushNow() {
    flushMarked = false;
    deliveryMarked = false;
    ctx.flush();
  }

  @Override
  public boolean writable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void watchQueue(Runnable full, Runnable drained) {
    this.queueFull = full;
    this.queueDrained = drained;
  }

  @Override
  public boolean halfEmpty() {
    Channel channel = ctx.channel();
    return channel.bytesBeforeUnwritable() >= channel.config().getWriteBufferHighWaterMark() / 2;
  }

  @Override
  public void ping() {
    if (!closeSent) {
      ctx.writeAndFlush(OutboundFrame.frame(ctx.alloc(), FIN | OPCODE_PING, PING, PING.length), quiet);
    }
  }

  @Override
  public boolean close(CloseCode code) {
    if (closeSent || !ctx.channel().isActive()) {
      return false;
    }
    releaseFragments();
    // Closing before the Close is written: the flush that writes it may drain the queue, and what waits for
    // room must not follow it.
    closeSent = true;
    startClose(ctx.writeAndFlush(framed(new CloseWebSocketFrame(code.code(), code.reason()))));
    listener.serverClosed(code);
    return true;
  }

  /** After the server's Close: read (and drop) until the client's Close or the linger, then close TCP. */
  private void startClose(ChannelFuture written) {
    closeSent = true;
    closeWritten = written;
    ctx.flush();
    decoder.closing();
    ctx.channel().config().setAutoRead(true);
    scheduleLinger();
  }

  /**
   * The bound on every close: the TCP connection is closed {@code lingerMillis} after the Close, whatever
   * the client does. A Close still queued behind unread data (a slow consumer) is lost with it.
   */
  private void scheduleLinger() {
    linger = ctx.executor().schedule(() -> ctx.close(), lingerMillis, TimeUnit.MILLISECONDS);
  }

  /** The client's Close is in: close TCP as soon as ours is written (at once if it is). */
  private void closeWhenWritten() {
    if (closeWritten == null) {
      ctx.close();
    } else {
      closeWritten.addListener(f -> ctx.close());
    }
  }

  @Override
  public boolean closing() {
    return closeSent;
  }

  @Override
  public long lastHeardNanos() {
    return lastHeardNanos;
  }
}
