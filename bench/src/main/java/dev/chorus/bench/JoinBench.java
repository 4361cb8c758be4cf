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
 * {@code join}: N connections each join and leave a room of their own in a closed loop: join, wait for the own
 * join notice, leave, wait for the own leave notice, again. Reports joins per second, the join-to-notice
 * latency and, given the server's pid, its CPU per join. Each join of a room nobody is in makes the server
 * open it (read its position, enter presence, publish the notice): the cost of a join for a public room.
 * Every cycle is two messages, so run the server with its rate limit lifted (RATE_MESSAGES_PER_SECOND,
 * RATE_BURST): a rate-limited join gets an error reply instead of a notice and stops its connection's loop,
 * which the error count in the result shows.
 */
final class JoinBench {

  private final Vertx vertx;
  private final BenchOptions options;
  private final ServerProbe probe;
  private final LatencyStats latency = new LatencyStats();
  private final AtomicLong joins = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicBoolean measuring = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();

  JoinBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
    this.vertx = vertx;
    this.options = options;
    this.probe = probe;
  }

  Result run() throws Exception {
    WebSocketClient client = Clients.create(vertx, null);
    AtomicInteger failures = new AtomicInteger();
    CompletableFuture<Integer> opened = Clients.open(options.connections(), options.concurrency(),
      i -> client.connect(Clients.target(options.urlOf(i))), this::loop, failures);
    int count = opened.get();
    Progress.run("warmup", options.warmup().toMillis() / 1000.0,
      (s, t) -> String.format(Locale.ROOT, "%d joins so far", joins.get()));
    latency.tick(false);
    long before = joins.get();
    ServerProbe.Sample start = probe.active() ? probe.sample() : null;
    long startNanos = System.nanoTime();
    measuring.set(true);
    long[] last = {before};
    Progress.run("measure", options.duration().toMillis() / 1000.0, (s, t) -> {
      Histogram interval = latency.tick(true);
      long now = joins.get();
      String line = String.format(Locale.ROOT, "%d joins/s, p50 %.2f ms, p99 %.2f ms", now - last[0],
        LatencyStats.millis(interval, 50), LatencyStats.millis(interval, 99));
      last[0] = now;
      return line;
    });
    measuring.set(false);
    long measuredNanos = System.nanoTime() - startNanos;
    long measured = joins.get() - before;
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
    if (start != null && measured > 0) {
      figures.put(Result.CPU_SECONDS, end.cpuSince(start));
      figures.put(Result.CPU_PER_MESSAGE, end.cpuSince(start) * 1e6 / measured);
    }
    return new Result("join", options.scenario(), options.label(), figures,
      LatencyStats.spectrum(latency.total()));
  }

  /** One connection's loop, on its event loop: join, own notice, leave, own leave notice, join again. */
  private void loop(int index, WebSocket socket) {
    String name = "j" + index;
    String room = options.room() + "-" + index;
    String joinText = "{\"type\":\"join\",\"name\":\"" + name + "\",\"room\":\"" + room + "\"}";
    String leaveText = "{\"type\":\"leave\",\"room\":\"" + room + "\"}";
    String joined = "\"" + name + " joined the chat.\"";
    String left = "\"" + name + " left the chat.\"";
    long[] sentAt = {0};
    boolean[] inRoom = {false};
    socket.exceptionHandler(e -> { });
    socket.textMessageHandler(text -> {
      if (stopping.get()) {
        return;
      }
      if (!inRoom[0] && text.contains(joined)) {
        inRoom[0] = true;
        if (measuring.get()) {
          latency.record(System.nanoTime() - sentAt[0]);
        }
        joins.incrementAndGet();
        socket.writeTextMessage(leaveText);
      } else if (text.startsWith("{\"type\":\"error\"")) {
        errors.incrementAndGet();
      } else if (inRoom[0] && text.contains(left)) {
        inRoom[0] = false;
        sentAt[0] = System.nanoTime();
        socket.writeTextMessage(joinText);
      }
    });
    sentAt[0] = System.nanoTime();
    socket.writeTextMessage(joinText);
  }
}
