package dev.chorus.support;

import io.vertx.core.Context;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs test code on a Vert.x context, where the code under test is confined, and waits for it. */
public final class Contexts {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private Contexts() {
  }

  /** {@code action}'s result, computed on {@code context}; fails with what it threw or after 5 s. */
  public static <T> T call(Context context, Supplier<T> action) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(action.get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Runs {@code action} on {@code context} and waits for it. */
  public static void run(Context context, Runnable action) {
    call(context, () -> {
      action.run();
      return null;
    });
  }
}
