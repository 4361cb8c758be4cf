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
 * handlers, pre-encoded text and the close contract go through the wire. Confined to the socket's event loop.
 */
final class VertxClientSocket implements ClientSocket {

  private final ServerWebSocket socket;
  private final Wire wire;
  private final SlowConsumers slowConsumers;
  private final Heartbeat heartbeat;
  private final String path;
  private final String query;
  private final List<Runnable> onClosed = new ArrayList<>(2);
  private boolean closed;
  /** When deliveries started to be dropped for a full queue (System.nanoTime); 0 while they are not. */
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
    heartbeat.watch(this);
  }

  private void closed() {
    closed = true;
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
  public void onDrained(Runnable action) {
    if (!closed) {
      socket.drainHandler(v -> action.run());
    }
  }

  @Override
  public void sendText(byte[] utf8) {
    wire.sendText(utf8);
  }

  @Override
  public boolean offer(OutboundFrame frame) {
    if (wire.closing()) {
      return false;
    }
    if (wire.writable()) {
      stalledSince = 0;
      wire.send(frame);
      return true;
    }
    if (stalledSince == 0) {
      stalledSince = System.nanoTime();
      slowConsumers.stalled(this);
    }
    return false;
  }

  @Override
  public boolean offerEphemeral(OutboundFrame frame) {
    if (wire.closing() || !wire.halfEmpty()) {
      return false;
    }
    wire.send(frame);
    return true;
  }

  @Override
  public void sendBinary(Buffer data) {
    if (!wire.closing()) {
      socket.writeBinaryMessage(data);
    }
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
