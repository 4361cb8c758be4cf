package dev.chorus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Socket.IO peer as bench/compare.sh runs it, two processes sharing a real Redis, driven by the bench's
 * own Socket.IO client: a chat sent to one process reaches a client of the other. Needs Debian's redis-server,
 * Node.js and {@code npm ci} in bench/peers (which .ci/run does); skipped, saying which, when one is missing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketIoPeerTest {

  private static final Path PEERS = Path.of("peers");
  private static final Path REDIS = Path.of("/usr/bin/redis-server");

  private final List<Process> processes = new ArrayList<>();
  private Vertx vertx;

  @BeforeEach
  void start() {
    Assumptions.assumeTrue(Files.isExecutable(REDIS),
      "redis-server is missing (apt-get install redis-server): skipped");
    Assumptions.assumeTrue(Files.isDirectory(PEERS.resolve("node_modules/socket.io")),
      "bench/peers/node_modules is missing (npm ci in bench/peers): skipped");
    Assumptions.assumeTrue(onPath("node"), "node is missing: skipped");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (vertx != null) {
      vertx.close().await();
    }
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void chatSentToOneProcessReachesAClientOfTheOther() throws Exception {
    int redisPort = freePort();
    start(List.of(REDIS.toString(), "--port", Integer.toString(redisPort), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no"), Map.of(), "Ready to accept connections");
    int first = freePort();
    int second = freePort();
    for (int port : new int[] {first, second}) {
      start(List.of("node", "socketio-server.js"),
        Map.of("PORT", Integer.toString(port), "REDIS_PORT", Integer.toString(redisPort)), "listening on " + port);
    }
    WebSocketClient client = Clients.create(vertx, null, false);

    CompletableFuture<String> received = new CompletableFuture<>();
    CompletableFuture<Void> receiverJoined = new CompletableFuture<>();
    connect(client, second, frame -> {
      String text = frame.toString(StandardCharsets.UTF_8);
      if (text.contains("bench-receiver joined")) {
        receiverJoined.complete(null);
      } else if (text.startsWith("42[\"chat\"")) {
        received.complete(text);
      }
    }, session -> session.join("bench-receiver", "lobby")).get(20, TimeUnit.SECONDS);
    receiverJoined.get(20, TimeUnit.SECONDS);

    connect(client, first, frame -> { }, session -> {
      session.join("bench-sender", "lobby");
      session.chat("hello from the first process");
    }).get(20, TimeUnit.SECONDS);

    String chat = received.get(20, TimeUnit.SECONDS);
    assertTrue(chat.contains("\"sender\":\"bench-sender\"") && chat.contains("hello from the first process"), chat);
  }

  /** Opens a Socket.IO client to {@code port}; {@code ready} runs once it may emit. */
  private CompletableFuture<WebSocket> connect(WebSocketClient client, int port, Consumer<Buffer> messages,
                                               Consumer<ChatProtocol.ChatSession> ready) {
    CompletableFuture<WebSocket> connected = new CompletableFuture<>();
    client.connect(Clients.target(ChatProtocol.SOCKETIO.target("ws://127.0.0.1:" + port)))
      .onSuccess(socket -> {
        ChatProtocol.ChatSession session = ChatProtocol.SOCKETIO.session(socket);
        ChatProtocol.SOCKETIO.attach(socket, messages::accept, () -> {
          ready.accept(session);
          connected.complete(socket);
        });
      })
      .onFailure(connected::completeExceptionally);
    return connected;
  }

  /** Starts a process in bench/peers and waits until it prints {@code readyLine}; it is stopped after the test. */
  private void start(List<String> command, Map<String, String> env, String readyLine) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(PEERS.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    processes.add(process);
    CompletableFuture<Void> ready = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(
             new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.contains(readyLine)) {
            ready.complete(null);
          }
        }
        ready.completeExceptionally(new IllegalStateException(command + " ended: " + output));
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
    }, "output of " + command.get(0));
    reader.setDaemon(true);
    reader.start();
    ready.get(30, TimeUnit.SECONDS);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
