package dev.chorus.metrics;

import dev.chorus.support.Await;
import dev.chorus.support.FreePorts;
import dev.chorus.support.Http;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client can do to /metrics and to the protocols of the HTTP port: made-up HTTP methods add no series,
 * the text is rendered off the event loops, metrics.port moves /metrics to a listener of its own on
 * metrics.host, and HTTP/2 is spoken only with http.http2.
 */
@Timeout(90)
class MetricsExposureTest {

  /** Requests sent with made-up methods, as in the finding: 2,000 grew the text from 30 KB to 45 MB. */
  private static final int MADE_UP_METHODS = 2_000;
  private static final int REQUESTS_PER_CONNECTION = 100;
  /** What the text may grow by after them: a few series for the statuses they were answered with. */
  private static final int GROWTH_BOUND = 16 * 1024;
  private static final int CONCURRENT_SCRAPES = 20;
  /** An HTTP/2 client's connection preface followed by an empty SETTINGS frame (RFC 9113, 3.4). */
  private static final byte[] H2_PREFACE = RawWebSocket.concat("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
    new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});

  @RegisterExtension
  static final TestNode NODE = TestNode.inProcess();

  @Test
  void madeUpMethodsAddNoSeries() {
    int before = NODE.http().get("/metrics").body().length();
    for (int sent = 0; sent < MADE_UP_METHODS; sent += REQUESTS_PER_CONNECTION) {
      StringBuilder pipelined = new StringBuilder();
      for (int i = sent; i < sent + REQUESTS_PER_CONNECTION; i++) {
        boolean last = i == sent + REQUESTS_PER_CONNECTION - 1;
        pipelined.append("FOO").append(i).append(" /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
          .append(last ? "Connection: close\r\n" : "").append("\r\n");
      }
      String answers = exchange(NODE.port(), pipelined.toString().getBytes(StandardCharsets.US_ASCII));
      assertTrue(answers.startsWith("HTTP/1.1 "), "answered: " + answers);
    }
    String after = NODE.http().get("/metrics").body();
    assertFalse(after.contains("FOO"), "a made-up method is a label value");
    assertTrue(after.length() < before + GROWTH_BOUND, "/metrics grew from " + before + " to " + after.length() + " bytes");
  }

  @Test
  void metricsAreRenderedOffTheEventLoops() {
    MeterRegistry registry = NODE.node().metrics().registry();
    AtomicBoolean onEventLoop = new AtomicBoolean(true);
    AtomicReference<String> thread = new AtomicReference<>();
    Gauge probe = Gauge.builder("test.render.probe", () -> {
      onEventLoop.set(Context.isOnEventLoopThread());
      thread.set(Thread.currentThread().getName());
      return 1;
    }).register(registry);
    try {
      Http.Response metrics = NODE.http().get("/metrics");
      assertEquals(200, metrics.status());
      assertTrue(metrics.body().contains("test_render_probe 1.0"), metrics.body());
      assertTrue(metrics.header("content-type").startsWith("text/plain; version=0.0.4"), metrics.header("content-type"));
      assertFalse(onEventLoop.get(), "rendered on " + thread.get());
      assertTrue(thread.get().startsWith("chorus-metrics"), "rendered on " + thread.get());
    } finally {
      registry.remove(probe);
    }
  }

  @Test
  void scrapesThatArriveTogetherShareRenderings() throws Exception {
    MeterRegistry registry = NODE.node().metrics().registry();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger renderings = new AtomicInteger();
    // Holds the first rendering until every scrape is in; later renderings pass at once.
    Gauge probe = Gauge.builder("test.coalesce.probe", () -> {
      renderings.incrementAndGet();
      try {
        return release.await(30, TimeUnit.SECONDS) ? 1 : 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 0;
      }
    }).register(registry);
    ExecutorService scrapers = Executors.newFixedThreadPool(CONCURRENT_SCRAPES);
    try {
      List<Future<Http.Response>> scrapes = new ArrayList<>();
      for (int i = 0; i < CONCURRENT_SCRAPES; i++) {
        scrapes.add(scrapers.submit(() -> NODE.http().timeout(Duration.ofSeconds(40)).get("/metrics")));
      }
      Await.until(() -> activeRequests(registry) >= CONCURRENT_SCRAPES, Duration.ofSeconds(30),
        () -> CONCURRENT_SCRAPES + " scrapes in progress (" + activeRequests(registry) + ")");
      release.countDown();
      for (Future<Http.Response> scrape : scrapes) {
        Http.Response metrics = scrape.get(40, TimeUnit.SECONDS);
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("test_coalesce_probe 1.0"), "a complete rendering");
      }
      int eventLoops = NODE.node().settings().server().instances();
      assertTrue(renderings.get() <= eventLoops, CONCURRENT_SCRAPES + " scrapes at once took " + renderings.get()
        + " renderings");
    } finally {
      release.countDown();
      scrapers.shutdownNow();
      registry.remove(probe);
    }
  }

  private static double activeRequests(MeterRegistry registry) {
    return registry.find("vertx.http.server.active.requests").gauges().stream().mapToDouble(Gauge::value).sum();
  }

  @Test
  void aMetricsPortServesMetricsAloneOnItsOwnHost() {
    int metricsPort = FreePorts.next();
    try (TestNode node = TestNode.inProcess().env("METRICS_PORT", String.valueOf(metricsPort))
      .env("METRICS_HOST", "127.0.0.2").start()) {
      Http metrics = Http.to("127.0.0.2", metricsPort);
      Http.Response scraped = metrics.get("/metrics");
      assertEquals(200, scraped.status());
      assertTrue(scraped.body().contains("chorus_cluster_members 1.0"), scraped.body());
      assertEquals(404, metrics.get("/health").status(), "the metrics listener serves /metrics only");
      assertEquals(404, node.http().get("/metrics").status(), "/metrics left the HTTP port");
      assertEquals(200, node.http().get("/health").status());
      assertThrows(UncheckedIOException.class, () -> Http.to("127.0.0.1", metricsPort).get("/metrics"),
        "bound to metrics.host only");
    }
  }

  @Test
  void http2IsNotSpokenByDefault() {
    assertNotEquals(101, status(exchange(NODE.port(), h2cUpgrade().getBytes(StandardCharsets.US_ASCII))),
      "h2c upgrade honoured");
    String answer = exchange(NODE.port(), H2_PREFACE);
    assertFalse(isSettingsFrame(answer), "answered the HTTP/2 preface with SETTINGS");
  }

  @Test
  void http2IsSpokenWithHttp2On() {
    try (TestNode node = TestNode.inProcess().env("HTTP2", "true").start()) {
      assertEquals(101, status(exchange(node.port(), h2cUpgrade().getBytes(StandardCharsets.US_ASCII))));
      assertTrue(isSettingsFrame(exchange(node.port(), H2_PREFACE)), "no SETTINGS frame after the preface");
    }
  }

  private static String h2cUpgrade() {
    return "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
      + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
  }

  /** The status of an HTTP/1.1 answer; -1 if it is none. */
  private static int status(String answer) {
    return answer.startsWith("HTTP/1.1 ") && answer.length() >= 12 ? Integer.parseInt(answer.substring(9, 12)) : -1;
  }

  /** Whether the answer starts with an HTTP/2 frame of type SETTINGS (a server's first frame). */
  private static boolean isSettingsFrame(String answer) {
    return answer.length() >= 9 && answer.charAt(3) == 4 && !answer.startsWith("HTTP/");
  }

  /**
   * Sends {@code request} on a new connection and returns what arrives (ISO-8859-1) until the server closes
   * the connection or stays silent for a second after answering.
   */
  private static String exchange(int port, byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder received = new StringBuilder();
      byte[] buffer = new byte[64 * 1024];
      socket.setSoTimeout(10_000);
      while (true) {
        int read;
        try {
          read = in.read(buffer);
        } catch (java.net.SocketTimeoutException quiet) {
          return received.toString();
        } catch (java.net.SocketException reset) {
          return received.toString();
        }
        if (read < 0) {
          return received.toString();
        }
        received.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
        socket.setSoTimeout(1000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
