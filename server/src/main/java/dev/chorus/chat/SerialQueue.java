package dev.chorus.chat;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * Asynchronous steps run one after the other, each once the one before has completed, whatever its outcome.
 * Confined to one event loop.
 */
final class SerialQueue {

  private Future<?> tail = Future.succeededFuture();

  /** Runs {@code step} after every step enqueued before it; completes with its outcome. */
  <T> Future<T> enqueue(Supplier<Future<T>> step) {
    Future<T> next = tail.transform(previous -> step.get());
    tail = next;
    return next;
  }
}
