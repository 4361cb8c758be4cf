package dev.chorus.http;

import dev.chorus.support.Await;
import dev.chorus.support.LogLines;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The browser client's files on the wire (raw HTTP/1.1): a Content-Security-Policy naming this node and the
 * cluster's other node as WebSocket sources and forbidding framing, nosniff, and a cache policy under which
 * a reload revalidates (304 while unchanged) instead of keeping a copy for a day.
 */
class PageHeadersTest {

  @RegisterExtension
  @Order(1)
  static final TestNode NODE = TestNode.inProcess();
  @RegisterExtension
  @Order(2)
  static final TestNode OTHER = TestNode.inProcess().joining(NODE);

  private static RawWebSocket.Head get(String path, String host, String extraHeaders) {
    try (RawWebSocket raw = RawWebSocket.open(NODE.port())) {
      return raw.handshakeHead("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
        + "Connection: close\r\n\r\n");
    }
  }

  private static RawWebSocket.Head get(String path) {
    return get(path, "127.0.0.1:" + NODE.port(), "");
  }

  @ParameterizedTest(name = "GET {0}")
  @ValueSource(strings = {"/", "/index.html", "/app.js", "/chorus-client.js", "/style.css"})
  void pageAndAssetsCarryThePolicyNosniffAndNoCache(String path) {
    String other = "127.0.0.1:" + OTHER.port();
    // The other node is in the policy once this node's cluster view lists it.
    Await.until(() -> String.valueOf(get(path).header("Content-Security-Policy")).contains(other),
      Duration.ofSeconds(10), "the other node in the policy");
    RawWebSocket.Head head = get(path);
    assertEquals(200, head.status());
    String policy = head.header("Content-Security-Policy");
    String self = "127.0.0.1:" + NODE.port();
    assertTrue(policy.startsWith("default-src 'self'; "), policy);
    assertTrue(policy.contains("; connect-src 'self' ws://" + self + " wss://" + self + " ws://" + other + " wss://"
      + other + ";"), policy);
    assertTrue(policy.contains("; frame-ancestors 'none'"), policy);
    assertFalse(policy.contains("unsafe-inline"), policy);
    assertEquals("nosniff", head.header("X-Content-Type-Options"));
    assertEquals("no-cache", head.header("Cache-Control"));
    assertNotNull(head.header("ETag"));
  }

  @Test
  void aReloadRevalidatesAndIsToldNotModifiedWhileTheFileIsUnchanged() {
    String etag = get("/").header("ETag");
    RawWebSocket.Head notModified = get("/", "127.0.0.1:" + NODE.port(), "If-None-Match: " + etag + "\r\n");
    assertEquals(304, notModified.status());
    assertTrue(notModified.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    assertEquals("nosniff", notModified.header("X-Content-Type-Options"));
    assertEquals("no-cache", notModified.header("Cache-Control"));
    assertEquals(200, get("/", "127.0.0.1:" + NODE.port(), "If-None-Match: \"an-older-release\"\r\n").status());
    assertFalse(etag.equals(get("/app.js").header("ETag")), "each file has its own");
  }

  /**
   * Paths the static handler would decode or normalize into one of the page's files (or fail on with 500 and
   * an ERROR stack trace per request), sent as written: 404, no headers of the page, nothing logged at ERROR.
   */
  @ParameterizedTest(name = "GET {0}")
  @ValueSource(strings = {"/%2findex.html", "/%2Findex.html", "/.%2findex.html", "/a%2f..%2findex.html",
    "/.%2fapp.js", "/%5capp.js", "/%5Cindex.html", "/index.html/", "/app.js/", "/.%2f", "/%2e%2f", "/%2e%2F",
    "/%252findex.html"})
  void pathsThatAreNoFileOfThePageAreNotFound(String path) {
    try (LogLines errors = LogLines.errors()) {
      RawWebSocket.Head head = get(path);
      assertEquals(404, head.status(), path);
      assertNull(head.header("Content-Security-Policy"), path);
      assertNull(head.header("Cache-Control"), path);
      assertEquals(List.of(), errors.messages());
    }
  }

  @Test
  void otherPathsPassUntouched() {
    for (String path : new String[] {"/nope.js", "/api/cluster", "/health"}) {
      assertNull(get(path).header("Content-Security-Policy"), path);
    }
    assertEquals(404, get("/nope.js").status());
  }

  @Test
  void aHostHeaderThatIsNoHostStaysOutOfThePolicy() {
    RawWebSocket.Head head = get("/", "evil_example:80", "");
    assertEquals(200, head.status());
    String policy = head.header("Content-Security-Policy");
    assertFalse(policy.contains("evil_example"), policy);
  }
}
