package dev.chorus.guard;

import dev.chorus.protocol.CloseCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Bounds what a client that stops reading can cost. Each socket's outbound queue is capped at
 * limits.writeQueueMaxBytes (Netty's write-buffer high-water mark); while it is full the hub drops that
 * socket's deliveries instead of queueing them (so memory stays bounded and the event loop never waits), and
 * reports it here. A socket whose queue is still full limits.slowConsumerTimeoutMillis after the first drop
 * is closed with 1008 "slow consumer" at once, dropping its queue: a client that reads again in time just
 * missed messages. Each close is counted and logged once. Confined to its verticle's event loop.
 */
final class SlowConsumerGuard {

  private static final Logger LOG = LoggerFactory.getLogger(SlowConsumerGuard.class);

  private final Vertx vertx;
  private final Context context;
  private final int maxQueueBytes;
  private final long timeoutNanos;
  private final long checkMillis;
  private final GuardCounters counters;
  private final Map<ServerWebSocket, Long> fullSince = new HashMap<>();
  private long timer = -1;

  SlowConsumerGuard(Vertx vertx, Context context, int maxQueueBytes, int timeoutMillis, GuardCounters counters) {
    this.vertx = vertx;
    this.context = context;
    this.maxQueueBytes = maxQueueBytes;
    this.timeoutNanos = timeoutMillis * 1_000_000L;
    this.checkMillis = Math.max(25, timeoutMillis / 4);
    this.counters = counters;
  }

  void start() {
    timer = vertx.setPeriodic(checkMillis, id -> check());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** Caps a freshly accepted socket's outbound queue. */
  void watch(ServerWebSocket socket) {
    socket.setWriteQueueMaxSize(maxQueueBytes);
    Channels.whenClosed(socket, context, () -> fullSince.remove(socket));
  }

  /** The hub dropped a delivery because this socket's queue is full. */
  void queueFull(ServerWebSocket socket) {
    // Called for every skipped delivery: only the first of a stall reads the clock and boxes it.
    if (!fullSince.containsKey(socket)) {
      fullSince.put(socket, System.nanoTime());
      socket.drainHandler(v -> fullSince.remove(socket));
    }
  }

  private void check() {
    if (fullSince.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (Iterator<Map.Entry<ServerWebSocket, Long>> it = fullSince.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ServerWebSocket, Long> entry = it.next();
      ServerWebSocket socket = entry.getKey();
      if (socket.isClosed() || !socket.writeQueueFull()) {
        it.remove();
      } else if (now - entry.getValue() >= timeoutNanos) {
        it.remove();
        long fullMillis = (now - entry.getValue()) / 1_000_000;
        if (Channels.now(socket, CloseCode.SLOW_CONSUMER)) {
          counters.slowConsumerClosed();
          LOG.info("Closing slow consumer {}: outbound queue over {} bytes for {} ms", socket.remoteAddress(),
            maxQueueBytes, fullMillis);
        }
      }
    }
  }
}
