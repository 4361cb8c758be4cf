package dev.chorus.http;

import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An HTTP client that pipelines requests and never reads their answers is closed once its earlier answers
 * fill the connection's outbound buffer, long before the handshake deadline: a 30-byte GET /metrics has an
 * answer of tens of KB, so without the bound a few such clients make the node queue answers until its direct
 * memory runs out.
 */
@Timeout(60)
class UnreadAnswersTest {

  /** Far beyond the test's wait: only the outbound bound can close the client in time. */
  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().env("HANDSHAKE_TIMEOUT_SECONDS", "120");

  @Test
  void aClientThatPipelinesWithoutReadingIsClosedWhileOthersAreServed() throws Exception {
    byte[] requests = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(500).getBytes(StandardCharsets.US_ASCII);
    CountDownLatch closed = new CountDownLatch(1);
    try (Socket greedy = new Socket()) {
      greedy.setReceiveBufferSize(4096);
      greedy.connect(new InetSocketAddress("127.0.0.1", NODE.port()));
      OutputStream out = greedy.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            out.write(requests);
            out.flush();
          }
        } catch (IOException closedByTheNode) {
          closed.countDown();
        }
      }, "greedy-writer");
      writer.start();
      boolean wasClosed = closed.await(20, TimeUnit.SECONDS);
      writer.interrupt();
      assertTrue(wasClosed, "a client that never reads its answers must be closed, not queued for");
    }
    assertEquals(200, NODE.http().get("/health").status());
  }
}
