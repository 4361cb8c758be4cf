package dev.chorus.support;

import dev.chorus.protocol.CloseCode;
import dev.chorus.transport.ClientSocket;
import dev.chorus.transport.OutboundFrame;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link ClientSocket} without a network, for testing what sits above the transport (sessions, the hub,
 * subscribers) as plain code: what the code writes is kept in order, what a client sends is handed in with
 * {@link #receive}, congestion is set by the test. Like a real socket it must be used on one thread (the
 * test's, or a Vert.x context's); {@link #next} may be called from any thread.
 */
public final class FakeClientSocket implements ClientSocket {

  private final String path;
  private final BlockingQueue<String> written = new LinkedBlockingQueue<>();
  private final List<Runnable> onClosed = new ArrayList<>();
  private Consumer<String> onText = text -> { };
  private Consumer<Buffer> onBinary = data -> { };
  private List<Runnable> waiting = new ArrayList<>();
  private volatile CloseCode closedWith;
  private boolean closed;
  private boolean congested;
  /** Writes until the queue fills by itself ({@link #fillsAfter}); -1: it never does. */
  private int roomFor = -1;
  private boolean halfFull;
  private boolean paused;
  private int dropped;

  public FakeClientSocket(String path) {
    this.path = path;
  }

  // ---- the test's side

  /** A text message from the client. */
  public void receive(String text) {
    onText.accept(text);
  }

  /** A binary message from the client. */
  public void receiveBinary(byte[] data) {
    onBinary.accept(Buffer.buffer(data));
  }

  /** The client goes away: the close handlers run. */
  public void disconnect() {
    if (!closed) {
      closed = true;
      onClosed.forEach(Runnable::run);
      onClosed.clear();
    }
  }

  /** Fills the outbound queue past half (ephemeral deliveries are dropped) or empties it again. */
  public void halfFull(boolean halfFull) {
    this.halfFull = halfFull;
  }

  /** Fills or empties the outbound queue; emptying it runs what waits for room, as a real socket does. */
  public void congested(boolean full) {
    boolean wasFull = congested;
    congested = full;
    if (wasFull && !full) {
      List<Runnable> ready = waiting;
      waiting = new ArrayList<>();
      ready.forEach(this::whenWritable);
    }
  }

  /**
   * The queue fills (is congested) once {@code writes} more texts are written, as a real one passes its
   * limit; a full queue stays full until {@link #congested congested(false)}.
   */
  public void fillsAfter(int writes) {
    roomFor = writes;
    if (writes == 0) {
      congested = true;
    }
  }

  /** How many wait for the queue to drain ({@link #whenWritable}). */
  public int waitingForRoom() {
    return waiting.size();
  }

  /** The next text written to the socket, in order; fails after {@code wait}. */
  public String next(Duration wait) {
    try {
      String text = written.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (text == null) {
        throw new AssertionError("nothing written within " + wait);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Everything written so far and not yet taken by {@link #next}. */
  public List<String> drain() {
    List<String> texts = new ArrayList<>();
    written.drainTo(texts);
    return texts;
  }

  /** The code of the server's close, or null. */
  public CloseCode closedWith() {
    return closedWith;
  }

  /** Writes (deliveries and replies) dropped because the queue was full. */
  public int dropped() {
    return dropped;
  }

  public boolean paused() {
    return paused;
  }

  // ---- the port

  @Override
  public String path() {
    return path;
  }

  @Override
  public String query() {
    return null;
  }

  @Override
  public String remoteAddress() {
    return "fake";
  }

  @Override
  public void onText(Consumer<String> handler) {
    onText = handler;
  }

  @Override
  public void onBinary(Consumer<Buffer> handler) {
    onBinary = handler;
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
    if (congested) {
      waiting.add(action);
    } else {
      action.run();
    }
  }

  /** Past a full queue for small replies, as the real socket: written and counted. */
  @Override
  public boolean sendReply(byte[] utf8) {
    if (utf8.length > SMALL_REPLY_BYTES || !isOpen()) {
      return sendText(utf8);
    }
    written.add(new String(utf8, StandardCharsets.UTF_8));
    return true;
  }

  @Override
  public boolean sendText(byte[] utf8) {
    if (!isOpen()) {
      return false;
    }
    if (congested) {
      dropped++;
      return false;
    }
    written.add(new String(utf8, StandardCharsets.UTF_8));
    if (roomFor > 0 && --roomFor == 0) {
      congested = true;
      roomFor = -1;
    }
    return true;
  }

  @Override
  public boolean offer(OutboundFrame frame) {
    return sendText(frame.utf8());
  }

  @Override
  public boolean offerEphemeral(OutboundFrame frame) {
    return !halfFull && sendText(frame.utf8());
  }

  @Override
  public boolean sendBinary(Buffer data) {
    if (!isOpen() || congested) {
      return false;
    }
    written.add("binary:" + data.length());
    return true;
  }

  @Override
  public boolean congested() {
    return congested;
  }

  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
  }

  /** A close from the server: recorded, then the socket closes as if the client had answered. */
  @Override
  public void close(CloseCode code) {
    if (isOpen()) {
      closedWith = code;
      disconnect();
    }
  }

  @Override
  public boolean isOpen() {
    return !closed && closedWith == null;
  }
}
