package dev.chorus.transport;

import dev.chorus.protocol.CloseCode;
import dev.chorus.logging.LogGate;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Bounds what a client that stops reading can cost. Each socket's outbound queue is capped at
 * limits.writeQueueMaxBytes (Netty's write-buffer high-water mark); while it is full, whatever the socket is
 * sent is dropped instead of queued ({@link ClientSocket}), so memory stays bounded and the event loop never
 * waits. A socket whose queue is still full limits.slowConsumerTimeoutMillis after it filled, whatever filled
 * it, is closed with 1008 "slow consumer" under the close contract: a client that reads again in time just
 * missed messages. The closes are logged at most once a minute for the whole node ({@link LogGate}), each
 * line with the count since the last. One timer per verticle instance; confined to its event loop.
 */
final class SlowConsumers {

  private static final Logger LOG = LoggerFactory.getLogger(SlowConsumers.class);

  private final Vertx vertx;
  private final int maxQueueBytes;
  private final long timeoutNanos;
  private final long checkMillis;
  private final List<VertxClientSocket> stalled = new ArrayList<>();
  private final LogGate closesLogged;
  private long timer = -1;

  SlowConsumers(Vertx vertx, int maxQueueBytes, int timeoutMillis) {
    this.vertx = vertx;
    this.maxQueueBytes = maxQueueBytes;
    this.timeoutNanos = timeoutMillis * 1_000_000L;
    this.checkMillis = Math.max(25, timeoutMillis / 4);
    this.closesLogged = LogGate.of(vertx, "slow-consumer-close");
  }

  int maxQueueBytes() {
    return maxQueueBytes;
  }

  void start() {
    timer = vertx.setPeriodic(checkMillis, id -> check());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  /** A delivery to {@code socket} was dropped, the first since its queue had room. */
  void stalled(VertxClientSocket socket) {
    if (!socket.listed) {
      socket.listed = true;
      stalled.add(socket);
    }
  }

  private void check() {
    if (stalled.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    for (Iterator<VertxClientSocket> it = stalled.iterator(); it.hasNext(); ) {
      VertxClientSocket socket = it.next();
      Wire wire = socket.wire();
      if (socket.stalledSince == 0 || wire.closing() || wire.writable()) {
        socket.stalledSince = 0;
        socket.listed = false;
        it.remove();
      } else if (now - socket.stalledSince >= timeoutNanos) {
        long fullMillis = (now - socket.stalledSince) / 1_000_000;
        socket.listed = false;
        it.remove();
        if (wire.close(CloseCode.SLOW_CONSUMER)) {
          logClose(socket, fullMillis, now);
        }
      }
    }
  }

  private void logClose(VertxClientSocket socket, long fullMillis, long now) {
    int leftOut = closesLogged.admit(now);
    if (leftOut >= 0) {
      LOG.info("Closing slow consumer {}: outbound queue over {} bytes for {} ms ({} other slow consumers closed "
        + "since the last such line)", socket.remoteAddress(), maxQueueBytes, fullMillis, leftOut);
    }
  }
}
