package dev.chorus.transport;

import dev.chorus.config.Settings;
import dev.chorus.echo.EchoHandler;
import dev.chorus.support.Deflate;
import dev.chorus.support.FreePorts;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static dev.chorus.support.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Compression is on for a socket only when its 101 answered it, which only {@link Transport#accept(
 * io.vertx.core.http.ServerWebSocketHandshake)} does: an upgrade Vert.x accepts by itself (a server without a
 * handshake handler) gets no extension, and its RSV1 frames stay protocol errors, even with
 * server.perMessageDeflate on and an offer in the request.
 */
@Timeout(30)
class DeflateAcceptTest {

  private static final int LIMIT = 65_536;
  private static final Random RANDOM = new Random(3);
  private static Vertx vertx;
  private static int answering;
  private static int selfAccepting;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    answering = FreePorts.next();
    selfAccepting = FreePorts.next();
    Settings.Limits limits = TestNodes.settings(TestNodes.environment(TestNodes.uniqueClusterName(), "")).limits();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Transport transport = new Transport(vertx, limits, new Settings.Server(1, LIMIT, 5, 0, true, 0, false, List.of(), 10), code -> { });
        transport.start();
        Future<?> withHandshake = vertx.createHttpServer(options(answering))
          .webSocketHandshakeHandler(transport::accept)
          .webSocketHandler(socket -> EchoHandler.attach(transport.accept(socket)))
          .listen();
        Future<?> withoutHandshake = vertx.createHttpServer(options(selfAccepting))
          .webSocketHandler(socket -> EchoHandler.attach(transport.accept(socket)))
          .listen();
        return Future.all(withHandshake, withoutHandshake);
      }
    }).await();
  }

  private static HttpServerOptions options(int port) {
    return Transport.configure(new HttpServerOptions().setHost("127.0.0.1").setPort(port), LIMIT);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void theTransportsHandshakeAnswersTheOfferAndInflates() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(answering, "/echo", "permessage-deflate")) {
      assertEquals("permessage-deflate; server_no_context_takeover", raw.extensions());
      raw.send(RawWebSocket.frame(TEXT, true, 4, true, Deflate.compress(utf8("inflated")), RANDOM));
      assertEquals("inflated", raw.readFrame().text());
    }
  }

  @Test
  void anUpgradeVertxAcceptedItselfHasNoCompression() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(selfAccepting, "/echo", "permessage-deflate")) {
      assertNull(raw.extensions());
      raw.sendText("plain");
      assertEquals("plain", raw.readFrame().text());
      raw.send(RawWebSocket.frame(TEXT, true, 4, true, Deflate.compress(utf8("refused")), RANDOM));
      assertEquals(1002, raw.awaitCloseCode());
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
