package dev.chorus.transport;

import dev.chorus.config.Settings;
import dev.chorus.echo.EchoHandler;
import dev.chorus.protocol.CloseCode;
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
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.chorus.support.RawWebSocket.BINARY;
import static dev.chorus.support.RawWebSocket.CLOSE;
import static dev.chorus.support.RawWebSocket.CONTINUATION;
import static dev.chorus.support.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Vert.x whose internals are not where Chorus looks for them: the transport logs it and serves with the
 * public API (PublicWire) instead of failing. Echo still works; oversized messages and protocol violations
 * still get their close codes; with server.perMessageDeflate on, no extension is negotiated.
 */
@Timeout(30)
class PublicFallbackTest {

  private static final int LIMIT = 1024;
  private static final VertxInternals.Names ELSEWHERE = new VertxInternals.Names(
    "io.vertx.core.internal.http.Moved", "io.vertx.core.net.impl.Moved", "io.vertx.core.net.impl.Moved2",
    "io.vertx.core.http.impl.Moved", "io.vertx.core.http.impl.Moved2", "io.vertx.core.http.impl.Moved3");
  private static final Queue<CloseCode> closes = new ConcurrentLinkedQueue<>();
  private static final Random RANDOM = new Random(1);
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    port = FreePorts.next();
    Settings.Limits limits = TestNodes.settings(TestNodes.environment(TestNodes.uniqueClusterName(), "")).limits();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Transport transport = new Transport(vertx, limits, new Settings.Server(1, LIMIT, 5, 0, true, 0, false, List.of(), 10), closes::add,
          VertxInternals.find(ELSEWHERE));
        assertFalse(transport.ownsFrames());
        transport.start();
        return vertx.createHttpServer(Transport.configure(new HttpServerOptions().setHost("127.0.0.1").setPort(port), LIMIT))
          .webSocketHandshakeHandler(transport::accept)
          .webSocketHandler(socket -> EchoHandler.attach(transport.accept(socket)))
          .listen();
      }
    }).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void internalsElsewhereAreReportedMissing() {
    VertxInternals internals = VertxInternals.find(ELSEWHERE);
    assertFalse(internals.pipelineReachable());
    assertFalse(internals.leanAvailable());
    assertTrue(VertxInternals.find().pipelineReachable(), "this Vert.x has the internals Chorus uses");
    assertTrue(VertxInternals.find().leanAvailable(), "this Vert.x has the internals Chorus uses");
  }

  @Test
  void echoWorksThroughThePublicApi() {
    try (RawWebSocket raw = RawWebSocket.upgraded(port, "/echo")) {
      raw.sendText("héllo");
      RawWebSocket.Frame text = raw.readFrame();
      assertNotNull(text);
      assertEquals(TEXT, text.opcode());
      assertEquals("héllo", text.text());
      raw.sendFrame(BINARY, true, new byte[] {1, 2, 3});
      RawWebSocket.Frame binary = raw.readFrame();
      assertNotNull(binary);
      assertEquals(BINARY, binary.opcode());
      assertArrayEquals(new byte[] {1, 2, 3}, binary.payload());
    }
  }

  @Test
  void messageOverTheLimitStillGets1009() {
    try (RawWebSocket raw = RawWebSocket.upgraded(port, "/echo")) {
      raw.sendFrame(TEXT, false, new byte[LIMIT]);
      raw.sendFrame(CONTINUATION, true, "x".getBytes(StandardCharsets.UTF_8));
      RawWebSocket.Frame close = raw.readFrame();
      assertNotNull(close);
      assertEquals(CLOSE, close.opcode());
      assertEquals(1009, close.closeCode());
    }
    awaitClose(CloseCode.MESSAGE_TOO_BIG);
  }

  @Test
  void protocolViolationStillGets1002() {
    try (RawWebSocket raw = RawWebSocket.upgraded(port, "/echo")) {
      raw.send(RawWebSocket.frame(TEXT, true, 4, true, new byte[] {'a'}, RANDOM));
      RawWebSocket.Frame close = raw.readFrame();
      assertNotNull(close);
      assertEquals(CLOSE, close.opcode());
      assertEquals(1002, close.closeCode());
    }
    awaitClose(CloseCode.PROTOCOL_ERROR);
  }

  @Test
  void deflateOfferIsNotAnsweredAndRsv1StaysAViolation() {
    try (RawWebSocket raw = RawWebSocket.upgradedOffering(port, "/echo", "permessage-deflate")) {
      assertNull(raw.extensions(), "no extension without the pipeline");
      raw.sendText("plain");
      assertEquals("plain", raw.readFrame().text());
      raw.send(RawWebSocket.frame(TEXT, true, 4, true, new byte[] {'a'}, RANDOM));
      assertEquals(1002, raw.awaitCloseCode());
    }
    awaitClose(CloseCode.PROTOCOL_ERROR);
  }

  private static void awaitClose(CloseCode code) {
    dev.chorus.support.Await.until(() -> List.copyOf(closes).contains(code), java.time.Duration.ofSeconds(5),
      "the listener told of " + code + " (was told " + closes + ")");
  }
}
