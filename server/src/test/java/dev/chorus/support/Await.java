package dev.chorus.support;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a future from a test thread, failing the test on timeout. */
public final class Await {

  private Await() {
  }

  public static <T> T result(Future<T> future, Duration wait) {
    try {
      return future.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not completed within " + wait, e);
    }
  }

  /** Polls {@code condition} every 20 ms until it holds; fails with {@code what} after {@code wait}. */
  public static void until(BooleanSupplier condition, Duration wait, String what) {
    until(condition, wait, () -> what);
  }

  /** As {@link #until(BooleanSupplier, Duration, String)}, {@code what} told as things are when it fails. */
  public static void until(BooleanSupplier condition, Duration wait, Supplier<String> what) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what.get() + " not within " + wait);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
