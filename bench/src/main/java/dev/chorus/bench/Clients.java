package dev.chorus.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/** Opening many client WebSockets with a bounded number of handshakes in flight. */
final class Clients {

  /**
   * The client's limits: no pool cap per server (Vert.x's default is 50), large messages, and compression
   * only with {@code deflate} (bench's {@code --deflate}: every socket offers permessage-deflate).
   */
  static WebSocketClient create(Vertx vertx, String localAddress, boolean deflate) {
    WebSocketClientOptions options = new WebSocketClientOptions()
      .setMaxConnections(1_000_000)
      .setConnectTimeout(30_000)
      .setTryUsePerMessageCompression(deflate)
      .setTryUsePerFrameCompression(false)
      .setMaxFrameSize(1 << 20)
      .setMaxMessageSize(1 << 20)
      .setTcpNoDelay(true);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    return vertx.createWebSocketClient(options);
  }

  /** {@code url}'s upgrade, without an Origin header: the bench is a program, not a page a node must know. */
  static WebSocketConnectOptions target(String url) {
    return new WebSocketConnectOptions().setAbsoluteURI(url).setAllowOriginHeader(false);
  }

  /**
   * Opens {@code count} sockets, {@code concurrency} handshakes at a time; {@code onOpen(index, socket)} runs
   * on the socket's event loop as each opens. Completes with the number opened once all attempts ended.
   */
  static CompletableFuture<Integer> open(int count, int concurrency, IntFunction<Future<WebSocket>> connect,
                                         BiConsumer<Integer, WebSocket> onOpen, AtomicInteger failures) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger opened = new AtomicInteger();
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      int index = next.getAndIncrement();
      if (index >= count) {
        return;
      }
      connect.apply(index).onComplete(ar -> {
        if (ar.succeeded()) {
          opened.incrementAndGet();
          onOpen.accept(index, ar.result());
        } else if (failures.incrementAndGet() <= 3) {
          System.err.println("connect failed: " + ar.cause());
        }
        if (finished.incrementAndGet() == count) {
          done.complete(opened.get());
        }
        step[0].run();
      });
    };
    if (count == 0) {
      done.complete(0);
    }
    for (int i = 0; i < Math.min(concurrency, count); i++) {
      step[0].run();
    }
    return done;
  }
}
