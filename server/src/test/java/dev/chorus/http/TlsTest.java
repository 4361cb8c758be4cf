package dev.chorus.http;

import dev.chorus.support.Await;
import dev.chorus.support.Json;
import dev.chorus.support.TestNode;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** wss and https from a PEM key and certificate (made with openssl for the test); ALPN h2 only with http.http2. */
@Timeout(60)
class TlsTest {

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess().configure(TlsTest::withTestCertificate);

  /** Makes a key and a self-signed certificate and names them in TLS_KEY_PATH and TLS_CERT_PATH. */
  private static void withTestCertificate(Map<String, String> env) throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "tls-");
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-keyout", key.toString(), "-out", cert.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    } catch (java.io.IOException e) {
      openssl = null;
    }
    assumeTrue(openssl != null && openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0,
      "openssl is needed to make a test certificate");
    env.put("TLS_KEY_PATH", key.toString());
    env.put("TLS_CERT_PATH", cert.toString());
  }

  @Test
  void wssChatAndHttpsHealthWork() throws Exception {
    int port = NODE.port();
    WebSocketClient client = NODE.vertx().createWebSocketClient(new WebSocketClientOptions().setSsl(true)
      .setTrustAll(true).setVerifyHost(false));
    WebSocket socket = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
      .setURI("/chat").setSsl(true)), Duration.ofSeconds(10));
    CompletableFuture<String> first = new CompletableFuture<>();
    socket.textMessageHandler(first::complete);
    socket.writeTextMessage("{\"type\":\"join\",\"name\":\"secure\"}");
    Json.assertMatches(Json.joined("lobby", "secure"),
      new JsonObject(first.get(10, TimeUnit.SECONDS)));
    Await.result(socket.close(), Duration.ofSeconds(10));
    client.close();

    var http = NODE.vertx().createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
      .setVerifyHost(false));
    int status = Await.result(http.request(HttpMethod.GET, port, "127.0.0.1", "/health")
      .compose(request -> request.send()).map(response -> response.statusCode()), Duration.ofSeconds(10));
    assertEquals(200, status);
    http.close();
  }

  @Test
  void alpnSelectsHttp2OnlyWithHttp2On() {
    assertEquals(HttpVersion.HTTP_1_1, versionOfferingH2(NODE));
    try (TestNode http2 = TestNode.inProcess().configure(TlsTest::withTestCertificate).env("HTTP2", "true").start()) {
      assertEquals(HttpVersion.HTTP_2, versionOfferingH2(http2));
    }
  }

  /** The HTTP version of a GET /health over TLS whose ALPN offers h2 before http/1.1. */
  private static HttpVersion versionOfferingH2(TestNode node) {
    var http = node.vertx().createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false)
      .setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
    try {
      return Await.result(http.request(HttpMethod.GET, node.port(), "127.0.0.1", "/health")
        .compose(request -> request.send()).map(response -> response.version()), Duration.ofSeconds(10));
    } finally {
      http.close();
    }
  }
}
