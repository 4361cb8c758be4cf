package dev.chorus.webhooks;

import dev.chorus.protocol.ChatError;
import dev.chorus.support.ChatClient;
import dev.chorus.support.RawHttpApplication;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.chorus.support.Json.error;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 64 KiB cap on a proxy's (and a webhook receiver's) answer holds while the bytes arrive: against an
 * application on a raw socket that answers a join with 15 MiB in chunks (no Content-Length), the node stops
 * reading and drops the connection near the cap, tells the client to try again later, and goes on serving.
 */
@Timeout(60)
class ProxyAnswerCapTest {

  private static final String SECRET = "proxy-secret-0123456789";
  private static final int HUGE = 15 * 1024 * 1024;
  private static final int CHUNK = 16 * 1024;
  /** How much the application may get written before the node's reset reaches it: the cap plus socket buffers. */
  private static final int WRITTEN_BOUND = 4 * 1024 * 1024;
  private static final CompletableFuture<Long> hugeWritten = new CompletableFuture<>();
  private static RawHttpApplication application;

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().configure(env -> {
    application = RawHttpApplication.joinProxyFor(env, SECRET, 5000, ProxyAnswerCapTest::answer);
  });

  @AfterAll
  static void stopApplication() throws IOException {
    if (application != null) {
      application.close();
    }
  }

  @Test
  void aChunkedAnswerPastTheCapIsCutOffAndTheNodeGoesOn() throws Exception {
    try (ChatClient alice = NODE.connect()) {
      alice.send(join("px:huge"));
      alice.expect(error(ChatError.TRY_AGAIN_LATER, "px:huge"));
      long written = hugeWritten.get(30, TimeUnit.SECONDS);
      assertTrue(written < WRITTEN_BOUND, "the node read on: the application wrote " + written + " of " + HUGE
        + " bytes before the connection broke");
      alice.send(join("px:ok"));
      alice.expect(joined("px:ok", "alice"));
    }
    assertEquals(200, NODE.http().get("/health").status());
  }

  private static JsonObject join(String room) {
    return new JsonObject().put("type", "join").put("name", "alice").put("room", room);
  }

  /** The join of px:huge is answered with 15 MiB chunked, others are allowed. */
  private static boolean answer(RawHttpApplication.Request request, OutputStream out) throws IOException {
    if ("px:huge".equals(request.json().getString("room"))) {
      writeHuge(out);
      return false;
    }
    RawHttpApplication.answer(out, 200, "{\"allow\":true}");
    return true;
  }

  /** Writes a 200 with 15 MiB of chunked body; completes {@link #hugeWritten} with the bytes the socket took. */
  private static void writeHuge(OutputStream out) {
    long written = 0;
    try {
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[CHUNK];
      Arrays.fill(chunk, (byte) ' ');
      byte[] size = (Integer.toHexString(CHUNK) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] crlf = "\r\n".getBytes(StandardCharsets.US_ASCII);
      while (written < HUGE) {
        out.write(size);
        out.write(chunk);
        out.write(crlf);
        written += CHUNK;
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException broken) {
      // The node reset the connection: what was written before is what it could have read.
    }
    hugeWritten.complete(written);
  }
}
