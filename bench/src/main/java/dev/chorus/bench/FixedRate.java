package dev.chorus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;

import java.util.function.LongConsumer;

/**
 * A fixed-rate sending schedule for one socket, run on its event loop. A timer ticks every 1-10 ms and sends
 * every message that has come due since the last tick, each stamped with when it was due, not when it went
 * out: latency then counts the time a slow server made the client wait (coordinated omission). Stops when
 * the measurement window stops sending or the socket closes.
 */
final class FixedRate {

  private FixedRate() {
  }

  /** Starts sending {@code rate} messages/s from {@code start} (nanoTime), calling {@code send} with each due time. */
  static void start(Vertx vertx, MeasurementWindow window, WebSocket socket, long start, double rate,
                    LongConsumer send) {
    long interval = (long) (1e9 / rate);
    // Spread the sockets' schedules over one interval so they do not send in lockstep.
    long[] due = {start + (long) (Math.random() * interval)};
    long period = Math.max(1, Math.min(10, interval / 1_000_000));
    vertx.setPeriodic(period, id -> {
      if (!window.sending() || socket.isClosed()) {
        vertx.cancelTimer(id);
        return;
      }
      long now = System.nanoTime();
      while (due[0] <= now) {
        send.accept(due[0]);
        due[0] += interval;
      }
    });
  }
}
