package dev.chorus.multiprocess;

import dev.chorus.support.NodeProcess;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slowloris: HTTP connections that never finish their request. A node with few file descriptors (600, as
 * operators' containers sometimes have) and limits.maxConnections 50 is sent more half-sent requests than it
 * has descriptors: /health and a new upgrade are still answered at once (connections past the budget of
 * twice limits.maxConnections push out the oldest ones), and every half-sent request is closed by
 * server.handshakeTimeoutSeconds.
 */
@Timeout(180)
class HalfOpenConnectionsIT {

  private static final int OPEN_FILES = 600;
  private static final int HALF_SENT = 700;
  private static final int DEADLINE_SECONDS = 4;

  @Test
  void halfSentRequestsStarveNeitherHealthNorUpgradesAndAreClosedAtTheDeadline() throws Exception {
    Map<String, String> env = TestNodes.environment(TestNodes.uniqueClusterName(), "");
    env.put("MAX_CONNECTIONS", "50");
    env.put("HANDSHAKE_TIMEOUT_SECONDS", String.valueOf(DEADLINE_SECONDS));
    List<String> fewDescriptors = List.of("prlimit", "--nofile=" + OPEN_FILES + ":" + OPEN_FILES, "--");
    List<Socket> halfSent = new ArrayList<>();
    try (NodeProcess node = NodeProcess.start("half-open", env, fewDescriptors, "127.0.0.1")) {
      node.awaitReady(Duration.ofSeconds(90));
      int port = node.httpPort();
      for (int i = 0; i < HALF_SENT; i++) {
        halfSent.add(halfSentRequest(port));
      }

      // More half-sent requests than the node has descriptors, and more than twice limits.maxConnections.
      long asked = System.nanoTime();
      assertEquals(200, node.http().status("/health"), "/health with " + HALF_SENT + " half-sent requests held");
      assertEquals(200, node.http().status("/ready"));
      try (RawWebSocket echo = RawWebSocket.upgraded(port, "/echo")) {
        echo.sendText("still answering");
        echo.awaitText("still answering");
      }
      Duration answered = Duration.ofNanos(System.nanoTime() - asked);
      assertTrue(answered.compareTo(Duration.ofSeconds(3)) < 0, "answered after " + answered);

      long closedBy = System.nanoTime() + Duration.ofSeconds(DEADLINE_SECONDS + 6).toNanos();
      int open = 0;
      for (Socket socket : halfSent) {
        if (!endsBefore(socket, closedBy)) {
          open++;
        }
      }
      assertEquals(0, open, "half-sent requests still open " + (DEADLINE_SECONDS + 6) + " s after the attack:\n"
        + node.log());
      assertFalse(node.log().contains("Too many open files"), node.log());
    } finally {
      for (Socket socket : halfSent) {
        socket.close();
      }
    }
  }

  /** A connection that sends a request's first lines and never its end. */
  private static Socket halfSentRequest(int port) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server ends {@code socket} (EOF or reset) before {@code deadline} (System.nanoTime). */
  private static boolean endsBefore(Socket socket, long deadline) throws IOException {
    long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    socket.setSoTimeout((int) left);
    try {
      while (true) {
        if (socket.getInputStream().read() < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }
}
