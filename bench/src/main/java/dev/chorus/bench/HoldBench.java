package dev.chorus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code hold}: opens N idle connections, spread over the source addresses 127.0.0.1 .. 127.0.0.S so more
 * than one address's ephemeral ports are available, keeps them open for the duration and reports how fast
 * they opened and, given server pids, what each costs the server in resident memory and CPU, and how much
 * of a core each server process spends on average while the connections are idle. Socket.IO connections
 * ({@code --protocol socketio}) connect to their namespace and answer the server's pings, as real clients do.
 */
final class HoldBench {

  private final Vertx vertx;
  private final BenchOptions options;
  private final ServerProbe probe;

  HoldBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
    this.vertx = vertx;
    this.options = options;
    this.probe = probe;
  }

  Result run() throws Exception {
    List<WebSocketClient> sources = new ArrayList<>();
    for (int s = 0; s < options.sources(); s++) {
      sources.add(Clients.create(vertx, options.sourceAddress(s), options.deflate()));
    }
    ServerProbe.Sample idle = probe.active() ? probe.sample() : null;
    AtomicInteger open = new AtomicInteger();
    AtomicInteger closedEarly = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    long start = System.nanoTime();
    CompletableFuture<Integer> opened = Clients.open(options.connections(), options.concurrency(),
      i -> sources.get(i % sources.size()).connect(Clients.target(options.urlOf(i))),
      (i, socket) -> hold(options.protocol(), socket, open, closedEarly), failures);
    int[] lastOpen = {0};
    while (!opened.isDone()) {
      Progress.run("connect", 1, (s, t) -> {
        int now = open.get();
        String line = String.format(Locale.ROOT, "%d open (+%d/s), %d failed", now, now - lastOpen[0], failures.get());
        lastOpen[0] = now;
        return line;
      });
    }
    long connectNanos = System.nanoTime() - start;
    int count = opened.get();
    ServerProbe.Sample connected = probe.active() ? probe.sample() : null;
    long holdNanos = Progress.run("hold", options.duration().toMillis() / 1000.0,
      (s, t) -> String.format(Locale.ROOT, "%d open, %d closed by the server", open.get(), closedEarly.get()));
    ServerProbe.Sample held = probe.active() ? probe.sample() : null;
    int stillOpen = open.get();
    for (WebSocketClient client : sources) {
      client.close();
    }

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("urls", String.join(",", options.urls()));
    figures.put("source_addresses", options.sources());
    figures.put("connections", count);
    figures.put("connect_failures", failures.get());
    figures.put("still_open_after_hold", stillOpen);
    figures.put("connect_s", connectNanos / 1e9);
    figures.put(Result.CONNECTS_PER_SECOND, count / (connectNanos / 1e9));
    if (idle != null && count > 0) {
      figures.put("server_rss_before_mib", idle.residentBytes() / (1024.0 * 1024.0));
      figures.put(Result.RSS, held.residentBytes() / (1024.0 * 1024.0));
      figures.put(Result.RSS_PER_CONNECTION, (held.residentBytes() - idle.residentBytes()) / 1024.0 / count);
      figures.put("server_cpu_us_per_connect", connected.cpuSince(idle) * 1e6 / count);
      figures.put("server_cpu_s_while_idle", held.cpuSince(connected));
      figures.put(Result.IDLE_CPU_PERCENT, held.cpuSince(connected) * 100 / (holdNanos / 1e9) / options.pids().size());
    }
    return new Result("hold", options.scenario(), options.label(), figures, List.of());
  }

  private static void hold(ChatProtocol protocol, WebSocket socket, AtomicInteger open, AtomicInteger closedEarly) {
    open.incrementAndGet();
    protocol.attach(socket, data -> { }, () -> { });
    socket.exceptionHandler(e -> { });
    socket.closeHandler(v -> {
      open.decrementAndGet();
      closedEarly.incrementAndGet();
    });
  }
}
