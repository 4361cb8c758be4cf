package dev.chorus.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A blocking WebSocket test client: connects, records every message and the close status, and lets a test
 * wait for the next one with a timeout. Not for event-loop threads.
 */
public final class ChatClient implements AutoCloseable {

  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

  /** A received message: text or binary. */
  public record Received(boolean text, Buffer data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final WebSocketClient client;
  private final WebSocket socket;
  private final BlockingDeque<Received> inbox = new LinkedBlockingDeque<>();
  private final CompletableFuture<Short> closeStatus = new CompletableFuture<>();
  private volatile String closeReason;

  private ChatClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
    if (socket.isClosed()) {
      // The server's Close came in the same read as its 101 (a refused token): Vert.x handled it before this.
      closeReason = socket.closeReason();
      closeStatus.complete(socket.closeStatusCode());
      return;
    }
    socket.textMessageHandler(text -> inbox.add(new Received(true, Buffer.buffer(text))));
    socket.binaryMessageHandler(data -> inbox.add(new Received(false, data)));
    socket.closeHandler(v -> {
      closeReason = socket.closeReason();
      closeStatus.complete(socket.closeStatusCode());
    });
  }

  /** Connects to ws://host:port/path. */
  public static ChatClient connect(Vertx vertx, String host, int port, String path) {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(1 << 20)
      .setMaxFrameSize(1 << 20));
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(path);
    // Handlers are set on the socket's event loop as the connect completes, before anything else is read:
    // a message or a close that comes at once is not lost (a Close in the very read of the 101 is handled by
    // Vert.x first: the constructor takes it from the socket).
    return Await.result(client.connect(options).map(socket -> new ChatClient(client, socket)), DEFAULT_WAIT);
  }

  /** Connects to ws://127.0.0.1:port/path. */
  public static ChatClient connect(Vertx vertx, int port, String path) {
    return connect(vertx, "127.0.0.1", port, path);
  }

  public void sendText(String text) {
    Await.result(socket.writeTextMessage(text), DEFAULT_WAIT);
  }

  public void sendBinary(Buffer data) {
    Await.result(socket.writeBinaryMessage(data), DEFAULT_WAIT);
  }

  public void send(JsonObject json) {
    sendText(json.encode());
  }

  /** Sends {"type":"join","name":name}. */
  public void join(String name) {
    send(new JsonObject().put("type", "join").put("name", name));
  }

  /** Sends {"type":"chat","message":message}. */
  public void chat(String message) {
    send(new JsonObject().put("type", "chat").put("message", message));
  }

  /** Sends {"type":"join","name":name,"room":room}. */
  public void join(String name, String room) {
    send(new JsonObject().put("type", "join").put("name", name).put("room", room));
  }

  /** Sends {"type":"join","name":name,"room":room,"since":since}: resume after seq since. */
  public void resume(String name, String room, long since) {
    send(new JsonObject().put("type", "join").put("name", name).put("room", room).put("since", since));
  }

  /** Sends {"type":"chat","room":room,"message":message}. */
  public void chat(String room, String message) {
    send(new JsonObject().put("type", "chat").put("room", room).put("message", message));
  }

  /** The next message, waiting up to the default time; fails the test if none comes. */
  public Received next() {
    return next(DEFAULT_WAIT);
  }

  public Received next(Duration wait) {
    try {
      Received received = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (received == null) {
        fail("no message within " + wait);
      }
      return received;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * The next message, or null as soon as the server has closed the socket with nothing left unread; fails
   * if neither happens within {@code wait}.
   */
  public Received nextOrClosed(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Received received = poll(Duration.ofMillis(20));
      if (received != null) {
        return received;
      }
      if (isClosed() && inbox.isEmpty()) {
        return null;
      }
    }
    return fail("neither a message nor a close within " + wait);
  }

  /** The next message within {@code wait}, or null if none comes. */
  public Received poll(Duration wait) {
    try {
      return inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The next message as JSON. */
  public JsonObject nextJson() {
    Received received = next();
    assertNotNull(received);
    return received.json();
  }

  /** The next message, which must match {@code expected} (see {@link Json#matches}). */
  public JsonObject expect(JsonObject expected) {
    JsonObject json = nextJson();
    Json.assertMatches(expected, json);
    return json;
  }

  /** Skips messages until one matches {@code expected}; fails if none does within the wait. */
  public JsonObject awaitJson(JsonObject expected) {
    return awaitJson(expected, DEFAULT_WAIT);
  }

  /** Skips messages until one matches {@code expected}; fails if none does within {@code wait}. */
  public JsonObject awaitJson(JsonObject expected, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject json = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime()))).json();
      if (Json.matches(expected, json)) {
        return json;
      }
    }
    return fail("never received " + expected.encode());
  }

  /** Fails, naming the message, if any message arrives within {@code wait}. */
  public void assertQuietFor(Duration wait, String what) {
    Received received = poll(wait);
    if (received != null) {
      fail(what + ": got " + received.data());
    }
  }

  /** True if no message arrives within {@code wait}; a message that does stays first in line. */
  public boolean quietFor(Duration wait) {
    try {
      Received received = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
      if (received != null) {
        inbox.addFirst(received);
        return false;
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The close status the server sent, waiting for the close. */
  public short awaitClose(Duration wait) {
    try {
      Short status = closeStatus.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return status == null ? -1 : status;
    } catch (Exception e) {
      throw new AssertionError("socket not closed within " + wait, e);
    }
  }

  /** The reason of the server's close, once {@link #awaitClose} returned; null if none. */
  public String closeReason() {
    return closeReason;
  }

  public boolean isClosed() {
    return closeStatus.isDone();
  }

  @Override
  public void close() {
    if (!socket.isClosed()) {
      Await.result(socket.close(), DEFAULT_WAIT);
    }
    client.close();
  }
}
