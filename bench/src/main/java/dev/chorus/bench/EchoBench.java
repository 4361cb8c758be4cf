package dev.chorus.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code echo}: N connections send text messages of a given size and time each answer. Closed loop (the
 * next message leaves when the answer arrives) or a fixed total rate, where latency counts from the moment a
 * message was due to leave, so a stalled server is not excused by the client waiting (coordinated omission).
 * Answers are matched in order per connection, so servers that decorate the echo ("Echo: ...") work too.
 */
final class EchoBench {

  private final Vertx vertx;
  private final BenchOptions options;
  private final ServerProbe probe;
  private final LatencyStats latency = new LatencyStats();
  private final LongAdder answered = new LongAdder();
  private final List<Connection> connections = new CopyOnWriteArrayList<>();
  private final MeasurementWindow window = new MeasurementWindow();

  EchoBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
    this.vertx = vertx;
    this.options = options;
    this.probe = probe;
  }

  Result run() throws Exception {
    String payload = "x".repeat(options.payloadBytes());
    WebSocketClient client = Clients.create(vertx, null, options.deflate());
    AtomicInteger failures = new AtomicInteger();
    int opened = Clients.open(options.connections(), options.concurrency(),
        i -> client.connect(Clients.target(options.urlOf(i))),
        (i, socket) -> connections.add(new Connection(socket, payload, vertx.getOrCreateContext())), failures)
      .get(120, TimeUnit.SECONDS);
    if (opened == 0) {
      throw new IllegalStateException("no connection opened to " + options.urls());
    }
    System.err.printf(Locale.ROOT, "[echo] %d connections open (%d failed)%n", opened, failures.get());
    long start = System.nanoTime();
    double perConnectionRate = options.rate() / opened;
    for (Connection c : connections) {
      c.context.runOnContext(v -> c.start(start, perConnectionRate));
    }
    MeasurementWindow.Measured measured = window.run("echo", options, latency, probe, answered::sum, this::line);
    long messages = measured.counted();
    Progress.awaitQuiet(answered::sum, 300, 3000);
    latency.tick(true);
    client.close();

    Histogram total = latency.total();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("urls", String.join(",", options.urls()));
    figures.put("connections", opened);
    figures.put("connect_failures", failures.get());
    figures.put("payload_bytes", options.payloadBytes());
    figures.put(Result.RATE, options.closedLoop() ? "closed loop" : options.rate());
    figures.put("duration_s", measured.nanos() / 1e9);
    figures.put(Result.MESSAGES, messages);
    figures.put(Result.THROUGHPUT, messages / (measured.nanos() / 1e9));
    Figures.latency(figures, total);
    long unanswered = connections.stream().mapToLong(c -> c.pending.size()).sum();
    figures.put("unanswered", unanswered);
    Figures.server(figures, measured.before(), measured.after(), messages);
    return new Result("echo", options.scenario(), options.label(), figures, LatencyStats.spectrum(total));
  }

  private String line(Histogram interval) {
    return String.format(Locale.ROOT, "%d msg/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms", interval.getTotalCount(),
      LatencyStats.millis(interval, 50), LatencyStats.millis(interval, 99), interval.getMaxValue() / 1e6);
  }

  /** One socket; all its state is confined to its event loop. */
  private final class Connection {
    final WebSocket socket;
    final String payload;
    final Context context;
    final LongQueue pending = new LongQueue();

    Connection(WebSocket socket, String payload, Context context) {
      this.socket = socket;
      this.payload = payload;
      this.context = context;
      socket.handler(this::onAnswer);
      socket.exceptionHandler(e -> { });
    }

    void start(long start, double rate) {
      if (rate == 0) {
        send(System.nanoTime());
        return;
      }
      FixedRate.start(vertx, window, socket, start, rate, this::send);
    }

    void send(long dueAt) {
      if (!socket.isClosed()) {
        pending.add(dueAt);
        socket.writeTextMessage(payload);
      }
    }

    void onAnswer(Buffer data) {
      long sentAt = pending.poll(-1);
      if (sentAt < 0) {
        return;
      }
      long now = System.nanoTime();
      if (sentAt < window.end()) {
        latency.record(now - sentAt);
      }
      if (now >= window.start() && now < window.end()) {
        answered.increment();
      }
      if (options.closedLoop() && window.sending()) {
        send(now);
      }
    }
  }
}
