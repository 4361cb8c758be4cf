package dev.chorus.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code fanout}: N chat clients over one or more node URLs join a room; K of them publish at a fixed total
 * rate. Each chat message carries its sender, sequence number and the time it was due to leave
 * ({@link Probe}), so every receiver measures publish-to-receive latency (coordinated-omission corrected)
 * and the {@link DeliveryLedger} counts what was lost. Every client receives every message, senders too.
 * The clients speak {@code --protocol} ({@link ChatProtocol}): Chorus's chat protocol or Socket.IO's.
 */
final class FanoutBench {

  private final Vertx vertx;
  private final BenchOptions options;
  private final ServerProbe probe;
  private final LatencyStats latency = new LatencyStats();
  private final LongAdder statusMessages = new LongAdder();
  private final LongAdder windowDeliveries = new LongAdder();
  private final DeliveryLedger ledger;
  private final AtomicReferenceArray<Client> clients;
  private final MeasurementWindow window = new MeasurementWindow();

  FanoutBench(Vertx vertx, BenchOptions options, ServerProbe probe) {
    this.vertx = vertx;
    this.options = options;
    this.probe = probe;
    this.ledger = new DeliveryLedger(options.connections(), options.senders());
    this.clients = new AtomicReferenceArray<>(options.connections());
  }

  Result run() throws Exception {
    WebSocketClient client = Clients.create(vertx, null, options.deflate());
    AtomicInteger failures = new AtomicInteger();
    int opened = Clients.open(options.connections(), options.concurrency(),
        i -> client.connect(Clients.target(options.urlOf(i))),
        (i, socket) -> clients.set(i, new Client(i, socket, vertx.getOrCreateContext())), failures)
      .get(300, TimeUnit.SECONDS);
    if (opened != options.connections()) {
      client.close();
      throw new IllegalStateException(String.format("only %d of %d clients connected to %s", opened,
        options.connections(), options.urls()));
    }
    // Joins are announced to the room: wait until those broadcasts have settled before measuring.
    Progress.awaitQuiet(statusMessages::sum, 1000, 120_000);
    System.err.printf(Locale.ROOT, "[fanout] %d clients joined '%s' over %d node(s); %d status messages%n",
      opened, options.room(), options.urls().size(), statusMessages.sum());

    long start = System.nanoTime();
    double perSenderRate = options.rate() / options.senders();
    for (int s = 0; s < options.senders(); s++) {
      Client sender = clients.get(s);
      sender.context.runOnContext(v -> sender.startSending(start, perSenderRate));
    }
    MeasurementWindow.Measured measured = window.run("fanout", options, latency, probe, ledger::delivered, this::line);
    long deliveredInWindow = measured.counted();
    // Messages due in the window may still be on their way: wait for deliveries to stop, then count.
    Progress.awaitQuiet(ledger::delivered, 1000, 15_000);
    latency.tick(true);
    client.close();

    Histogram total = latency.total();
    long deliveries = windowDeliveries.sum();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("urls", String.join(",", options.urls()));
    figures.put("connections", opened);
    figures.put("senders", options.senders());
    figures.put("room", options.room());
    figures.put(Result.RATE, options.rate());
    figures.put("offered_deliveries_per_s", options.rate() * opened);
    figures.put("duration_s", measured.nanos() / 1e9);
    figures.put("published", ledger.published());
    figures.put(Result.MESSAGES, deliveries);
    figures.put(Result.THROUGHPUT, deliveries / (measured.nanos() / 1e9));
    Figures.latency(figures, total);
    figures.put(Result.LOST, ledger.lost());
    figures.put("duplicates", ledger.duplicates());
    figures.put("out_of_order", ledger.outOfOrder());
    Figures.server(figures, measured.before(), measured.after(), deliveredInWindow);
    return new Result("fanout", options.scenario(), options.label(), figures, LatencyStats.spectrum(total));
  }

  private String line(Histogram interval) {
    return String.format(Locale.ROOT, "%d deliveries/s  p50 %.3f ms  p99 %.3f ms  max %.3f ms  lost so far %d",
      interval.getTotalCount(), LatencyStats.millis(interval, 50), LatencyStats.millis(interval, 99),
      interval.getMaxValue() / 1e6, Math.max(0, ledger.lost() - inFlightAllowance()));
  }

  /** Messages published in the last second may legitimately still be travelling. */
  private long inFlightAllowance() {
    return (long) (options.rate() * options.connections());
  }

  /** One chat client; its state is confined to its event loop. */
  private final class Client {
    final int index;
    final WebSocket socket;
    final Context context;
    final ChatProtocol.ChatSession session;

    Client(int index, WebSocket socket, Context context) {
      this.index = index;
      this.socket = socket;
      this.context = context;
      this.session = options.protocol().session(socket);
      socket.exceptionHandler(e -> { });
      options.protocol().attach(socket, this::onMessage, this::onReady);
    }

    private void onReady() {
      if (options.joinAll() || index < options.senders()) {
        session.join("bench-" + index, options.room());
      }
    }

    void startSending(long start, double rate) {
      String padding = "x".repeat(Math.max(0, options.payloadBytes() - 40));
      FixedRate.start(vertx, window, socket, start, rate, due -> {
        long seq = ledger.sent(index);
        session.chat(Probe.encode(index, seq, due) + padding);
      });
    }

    void onMessage(Buffer data) {
      long now = System.nanoTime();
      Probe probe = Probe.find(data.getBytes());
      if (probe == null) {
        statusMessages.increment();
        return;
      }
      if (ledger.received(index, probe.sender(), probe.seq()) && probe.dueAt() < window.end()) {
        // Warm-up latencies are recorded too, for the progress line, and discarded at the window's start.
        latency.record(now - probe.dueAt());
        if (probe.dueAt() >= window.start()) {
          windowDeliveries.increment();
        }
      }
    }
  }

  /** What a bench chat message carries: {@code ~b~sender~seq~dueNanos~}, found anywhere in the frame. */
  record Probe(int sender, long seq, long dueAt) {

    private static final byte[] MARKER = "~b~".getBytes(StandardCharsets.US_ASCII);

    static String encode(int sender, long seq, long dueAt) {
      return "~b~" + sender + "~" + seq + "~" + dueAt + "~";
    }

    /** The probe in a received frame, or null when it carries none (status messages, errors). */
    static Probe find(byte[] frame) {
      int at = indexOf(frame, MARKER);
      if (at < 0) {
        return null;
      }
      long[] numbers = new long[3];
      int pos = at + MARKER.length;
      for (int n = 0; n < 3; n++) {
        long value = 0;
        boolean negative = pos < frame.length && frame[pos] == '-';
        if (negative) {
          pos++;
        }
        int digits = 0;
        while (pos < frame.length && frame[pos] >= '0' && frame[pos] <= '9') {
          value = value * 10 + (frame[pos++] - '0');
          digits++;
        }
        if (digits == 0 || pos >= frame.length || frame[pos] != '~') {
          return null;
        }
        pos++;
        numbers[n] = negative ? -value : value;
      }
      return new Probe((int) numbers[0], numbers[1], numbers[2]);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
      outer:
      for (int i = 0; i <= haystack.length - needle.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }
}
