package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@link ClientSocket} over a Vert.x server WebSocket and its {@link Wire}: messages come from Vert.x's
 * handlers, pre-encoded text and the close contract go through the wire. It keeps the outbound limit: every
 * write is made only while the wire's queue is not full, and a queue found full (told by the wire, or seen
 * after a write) starts the slow-consumer clock ({@link SlowConsumers}), which its draining stops.
 * Confined to the socket's event loop.
 */
final class VertxClientSocket implements ClientSocket {

  private final ServerWebSocket socket;
  private final Wire wire;
  private final SlowConsumers slowConsumers;
  private final Heartbeat heartbeat;
  private final String path;
  private final String query;
  private final List<Runnable> onClosed = new ArrayList<>(2);
  /** Who waits for the queue to drain ({@link #whenWritable}); null while nobody does. */
  private List<Runnable> waiting;
  private boolean closed;
  /** When the outbound queue was found full (System.nanoTime); 0 while it is not. */
  long stalledSince;
  /** Whether {@link SlowConsumers} holds this socket in its list (at most once). */
  boolean listed;
  /** Where {@link Heartbeat} holds this socket in its list; -1 when it does not. */
  int heartbeatSlot = -1;
  /** The client a PROXY protocol header named ({@link ProxyHeader}); null: the TCP peer. */
  SocketAddress proxiedFrom;

  /** A socket watched by {@code heartbeat} until it closes. */
  VertxClientSocket(ServerWebSocket socket, Wire wire, SlowConsumers slowConsumers, Heartbeat heartbeat) {
    this.socket = socket;
    this.wire = wire;
    this.slowConsumers = slowConsumers;
    this.heartbeat = heartbeat;
    this.path = socket.path();
    this.query = socket.query();
    socket.closeHandler(v -> closed());
    wire.watchQueue(this::stalled, this::drained);
    heartbeat.watch(this);
  }

  /** The queue is full: the slow-consumer clock starts, unless it runs already. */
  private void stalled() {
    if (stalledSince == 0) {
      stalledSince = System.nanoTime();
      slowConsumers.stalled(this);
    }
  }

  /**
   * The queue drained: the clock stops, and whoever waits for room runs, in the order they came; once one
   * of them fills the queue again, the others wait for the next drain.
   */
  private void drained() {
    stalledSince = 0;
    List<Runnable> ready = waiting;
    waiting = null;
    if (ready != null) {
      for (Runnable action : ready) {
        whenWritable(action);
      }
    }
  }

  /** Whether a write may be made now; a full queue counts as a stall. */
  private boolean mayWrite() {
    if (wire.closing()) {
      return false;
    }
    if (wire.writable()) {
      return true;
    }
    stalled();
    return false;
  }

  /** After a write: the write that takes the queue past its limit is the last until it drains. */
  private boolean written() {
    if (!wire.writable()) {
      stalled();
    }
    return true;
  }

  private void closed() {
    closed = true;
    waiting = null;
    heartbeat.forget(this);
    for (Runnable action : onClosed) {
      action.run();
    }
    onClosed.clear();
  }

  Wire wire() {
    return wire;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(proxiedFrom != null ? proxiedFrom : socket.remoteAddress());
  }

  @Override
  public void onText(Consumer<String> handler) {
    socket.textMessageHandler(handler::accept);
  }

  @Override
  public void onBinary(Consumer<Buffer> handler) {
    socket.binaryMessageHandler(handler::accept);
  }

  @Override
  public void onClosed(Runnable action) {
    if (closed) {
      action.run();
    } else {
      onClosed.add(action);
    }
  }

  @Override
  public void whenWritable(Runnable action) {
    if (!isOpen()) {
      return;
    }
    if (mayWrite()) {
      action.run();
      return;
    }
    if (waiting == null) {
      waiting = new ArrayList<>(2);
    }
    waiting.add(action);
  }

  @Override
  public boolean sendText(byte[] utf8) {
    if (!mayWrite()) {
      return false;
    }
    wire.sendText(utf8);
    return written();
  }

  @Override
  public boolean sendReply(byte[] utf8) {
    if (utf8.length > SMALL_REPLY_BYTES) {
      return sendText(utf8);
    }
    if (wire.closing()) {
      return false;
    }
    wire.sendText(utf8);
    return written();
  }

  @Override
  public boolean offer(OutboundFrame frame) {
    if (!mayWrite()) {
      return false;
    }
    wire.send(frame);
    return written();
  }

  @Override
  public boolean offerEphemeral(OutboundFrame frame) {
    if (wire.closing() || !wire.halfEmpty()) {
      return false;
    }
    wire.send(frame);
    return written();
  }

  @Override
  public boolean sendBinary(Buffer data) {
    if (!mayWrite()) {
      return false;
    }
    socket.writeBinaryMessage(data);
    return written();
  }

  @Override
  public boolean congested() {
    return !wire.closing() && !wire.writable();
  }

  @Override
  public void pause() {
    if (!closed) {
      socket.pause();
    }
  }

  @Override
  public void resume() {
    if (!closed) {
      socket.resume();
    }
  }

  @Override
  public void close(CloseCode code) {
    wire.close(code);
  }

  @Override
  public boolean isOpen() {
    return !closed && !wire.closing();
  }
}
