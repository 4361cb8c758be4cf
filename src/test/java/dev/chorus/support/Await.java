package dev.chorus.support;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
}
