package dev.chorus.transport;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;

/**
 * The deadline of one HTTP connection that is not a WebSocket: it must send a whole request (or its WebSocket
 * upgrade) within server.handshakeTimeoutSeconds of opening, and each next request within as long of the
 * previous answer; else it is closed. Once a request is read whole, nothing is timed until it is answered.
 * Sits between Vert.x's HTTP codec and its handler, so it sees requests and responses as messages; leaves the
 * pipeline when a 101 makes the connection a WebSocket (whose liveness the heartbeat watches from then on).
 * <p>A connection that does not read its answers is closed when the next answer would start while the earlier
 * ones still fill the outbound buffer past its high-water mark (after a flush into the kernel's send buffer):
 * a client pipelining requests without reading (a {@code GET /metrics} is 30 bytes, its answer tens of KB)
 * would otherwise make the node queue answers without bound. A client that reads, even slowly, drains the
 * buffer between requests and is never closed for it.
 * Confined to the channel's event loop.
 */
final class HandshakeDeadline extends ChannelDuplexHandler {

  private final HandshakeGuard guard;
  private final long timeoutMillis;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** The current request was read to its end; its answer was written to its end (either may come first). */
  private boolean requestRead;
  private boolean answered;
  private boolean counted;

  HandshakeDeadline(HandshakeGuard guard, long timeoutMillis) {
    this.guard = guard;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    counted = true;
    guard.added(this);
    arm();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
    if (counted) {
      counted = false;
      guard.removed(this);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof LastHttpContent) {
      requestRead = true;
      if (answered) {
        nextRequest();
      } else {
        disarm();
        guard.answering(this);
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    boolean upgraded = msg instanceof HttpResponse response
      && HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status());
    boolean answer = msg instanceof LastHttpContent;
    if (msg instanceof HttpResponse && !upgraded && !drained(ctx)) {
      ReferenceCountUtil.release(msg);
      promise.tryFailure(new ClosedChannelException());
      ctx.close();
      return;
    }
    ctx.write(msg, promise);
    if (upgraded) {
      ctx.pipeline().remove(this);
    } else if (answer) {
      answered = true;
      if (requestRead) {
        nextRequest();
      }
    }
  }

  /** Whether the earlier answers have left the outbound buffer (below its high-water mark), flushing first. */
  private static boolean drained(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      return true;
    }
    ctx.flush();
    return ctx.channel().isWritable();
  }

  /** Both sides of a request are done: the next one must come within the deadline. */
  private void nextRequest() {
    requestRead = false;
    answered = false;
    arm();
    guard.awaiting(this);
  }

  /** Closes the connection (pushed out by a newer one past the node's budget). */
  void close() {
    ctx.close();
  }

  private void arm() {
    disarm();
    timer = ctx.executor().schedule(() -> ctx.close(), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
