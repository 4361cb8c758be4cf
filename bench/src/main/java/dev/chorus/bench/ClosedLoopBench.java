package dev.chorus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bench of N connections that each run one closed loop (send, wait for the server's answer, send again):
 * warm-up, a measured window with a progress line per second, then throughput, latency of the answers and,
 * given the server's pid, its CPU per answer. A subclass writes the loop ({@link #loop}) and counts each
 * answer with {@link #answered}.
 */
abstract class ClosedLoopBench {

  private final Vertx vertx;
  final BenchOptions options;
  private final ServerProbe probe;
  private final String command;
  private final String unit;
  private final LatencyStats latency = new LatencyStats();
  private final AtomicLong answers = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicBoolean measuring = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();

  /** {@code unit} names an answer in the progress lines ("joins", "acks"). */
  ClosedLoopBench(Vertx vertx, BenchOptions options, ServerProbe probe, String command, String unit) {
    this.vertx = vertx;
    this.options = options;
    this.probe = probe;
    this.command = command;
    this.unit = unit;
  }

  /** Connection {@code index}'s loop, on its event loop: sets the socket's handlers and sends the first message. */
  abstract void loop(int index, WebSocket socket);

  /** One answer came, {@code sentAt} (System.nanoTime) after its message was sent. */
  final void answered(long sentAt) {
    if (measuring.get()) {
      latency.record(System.nanoTime() - sentAt);
    }
    answers.incrementAndGet();
  }

  /** An error reply came. */
  final void errorReply() {
    errors.incrementAndGet();
  }

  /** Whether the measurement is over: loops stop answering. */
  final boolean stopping() {
    return stopping.get();
  }

  final Result run() throws Exception {
    WebSocketClient client = Clients.create(vertx, null, options.deflate());
    AtomicInteger failures = new AtomicInteger();
    CompletableFuture<Integer> opened = Clients.open(options.connections(), options.concurrency(),
      i -> client.connect(Clients.target(options.urlOf(i))), this::loop, failures);
    int count = opened.get();
    Progress.run("warmup", options.warmup().toMillis() / 1000.0,
      (s, t) -> String.format(Locale.ROOT, "%d %s so far", answers.get(), unit));
    latency.tick(false);
    long before = answers.get();
    ServerProbe.Sample start = probe.active() ? probe.sample() : null;
    long startNanos = System.nanoTime();
    measuring.set(true);
    long[] last = {before};
    Progress.run("measure", options.duration().toMillis() / 1000.0, (s, t) -> {
      Histogram interval = latency.tick(true);
      long now = answers.get();
      String line = String.format(Locale.ROOT, "%d %s/s, p50 %.2f ms, p99 %.2f ms", now - last[0], unit,
        LatencyStats.millis(interval, 50), LatencyStats.millis(interval, 99));
      last[0] = now;
      return line;
    });
    measuring.set(false);
    long measuredNanos = System.nanoTime() - startNanos;
    long measured = answers.get() - before;
    latency.tick(true);
    ServerProbe.Sample end = probe.active() ? probe.sample() : null;
    stopping.set(true);
    client.close();

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("urls", String.join(",", options.urls()));
    figures.put("connections", count);
    figures.put("connect_failures", failures.get());
    figures.put("error_replies", errors.get());
    figures.put(Result.MESSAGES, measured);
    figures.put(Result.THROUGHPUT, measured / (measuredNanos / 1e9));
    figures.put(Result.P50, LatencyStats.millis(latency.total(), 50));
    figures.put(Result.P99, LatencyStats.millis(latency.total(), 99));
    figures.put(Result.MAX, latency.total().getMaxValue() / 1e6);
    if (measured > 0) {
      Figures.server(figures, start, end, measured);
    }
    return new Result(command, options.scenario(), options.label(), figures, LatencyStats.spectrum(latency.total()));
  }
}
