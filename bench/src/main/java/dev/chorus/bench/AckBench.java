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
 * {@code ack}: N connections each join a room of their own and publish chats with ids in a closed loop: send,
 * wait for the ack, send the next. Reports acked chats per second, the send-to-ack latency and, given the
 * server's pid, its CPU per acked chat. An ack means the chat is stored (with history.store postgres:
 * committed), so this is the cost and the ceiling of sequencing, with a fan-out of one. Run the server with
 * its rate limit lifted (RATE_MESSAGES_PER_SECOND, RATE_BURST).
 */
final class AckBench {

  private final Vertx vertx;
  private final BenchOptions options;
  private final ServerProbe probe;
  private final LatencyStats latency = new LatencyStats();
  private final AtomicLong acks = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicBoolean measuring = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();

  AckBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
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
      (s, t) -> String.format(Locale.ROOT, "%d acks so far", acks.get()));
    latency.tick(false);
    long before = acks.get();
    ServerProbe.Sample start = probe.active() ? probe.sample() : null;
    long startNanos = System.nanoTime();
    measuring.set(true);
    long[] last = {before};
    Progress.run("measure", options.duration().toMillis() / 1000.0, (s, t) -> {
      Histogram interval = latency.tick(true);
      long now = acks.get();
      String line = String.format(Locale.ROOT, "%d acks/s, p50 %.2f ms, p99 %.2f ms", now - last[0],
        LatencyStats.millis(interval, 50), LatencyStats.millis(interval, 99));
      last[0] = now;
      return line;
    });
    measuring.set(false);
    long measuredNanos = System.nanoTime() - startNanos;
    long measured = acks.get() - before;
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
    return new Result("ack", options.scenario(), options.label(), figures, LatencyStats.spectrum(latency.total()));
  }

  /** One connection's loop, on its event loop: join, then chat with the next id each time the last is acked. */
  private void loop(int index, WebSocket socket) {
    String name = "a" + index;
    String room = options.room() + "-" + index;
    String payload = "x".repeat(options.payloadBytes());
    String joined = "\"" + name + " joined the chat.\"";
    long[] next = {0};
    long[] sentAt = {0};
    boolean[] inRoom = {false};
    socket.exceptionHandler(e -> { });
    Runnable send = () -> {
      next[0]++;
      sentAt[0] = System.nanoTime();
      socket.writeTextMessage("{\"type\":\"chat\",\"room\":\"" + room + "\",\"message\":\"" + payload
        + "\",\"id\":\"" + name + "-" + next[0] + "\"}");
    };
    String ackPrefix = "{\"type\":\"ack\"";
    socket.textMessageHandler(text -> {
      if (stopping.get()) {
        return;
      }
      if (!inRoom[0] && text.contains(joined)) {
        inRoom[0] = true;
        send.run();
      } else if (text.startsWith(ackPrefix) && text.contains("\"id\":\"" + name + "-" + next[0] + "\"")) {
        if (measuring.get()) {
          latency.record(System.nanoTime() - sentAt[0]);
        }
        acks.incrementAndGet();
        send.run();
      } else if (text.startsWith("{\"type\":\"error\"")) {
        errors.incrementAndGet();
        // Not delivered (or refused): the same id again, as a client should.
        next[0]--;
        send.run();
      }
    });
    socket.writeTextMessage("{\"type\":\"join\",\"name\":\"" + name + "\",\"room\":\"" + room + "\"}");
  }
}
