package dev.chorus.hazelcast;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Hazelcast's asynchronous results without a thread per result.
 * <p>A Hazelcast future runs a callback registered with {@code whenComplete} on its default executor: the
 * common fork-join pool, or, where that pool has a parallelism of 1 (a machine with 2 CPUs or fewer), a new
 * thread for every callback ({@code ConcurrencyUtil.getDefaultAsyncExecutor}, Hazelcast 5.3.8; checked on the
 * 2-core machine the benchmarks run on). Vert.x's {@code Future.fromCompletionStage} registers exactly such a
 * callback, so every append, presence change and webhook event started and ended a thread, on the path of
 * every chat. The calls here register on the thread that completes the result (a Hazelcast partition or
 * response thread), and do nothing there but hand the result on.
 */
public final class HazelcastCalls {

  /** Runs a callback on the thread that completes the stage: for callbacks that only hand a result on. */
  private static final Executor COMPLETING_THREAD = Runnable::run;

  private HazelcastCalls() {
  }

  /** {@code stage}'s outcome on {@code context}, as {@code Future.fromCompletionStage(stage, context)}. */
  public static <T> Future<T> onContext(CompletionStage<T> stage, Context context) {
    return Future.fromCompletionStage(direct(stage), context);
  }

  /** {@code stage}'s outcome on the thread that completes it, as {@code Future.fromCompletionStage(stage)}. */
  public static <T> Future<T> onCompletion(CompletionStage<T> stage) {
    return Future.fromCompletionStage(direct(stage));
  }

  /** Runs {@code action} on the thread that completes {@code stage}; it must not block. */
  public static <T> void whenComplete(CompletionStage<T> stage, BiConsumer<? super T, ? super Throwable> action) {
    stage.whenCompleteAsync(action, COMPLETING_THREAD);
  }

  /** A plain CompletableFuture completed on the thread that completes {@code stage}. */
  private static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    CompletableFuture<T> result = new CompletableFuture<>();
    whenComplete(stage, (value, failure) -> {
      if (failure == null) {
        result.complete(value);
      } else {
        result.completeExceptionally(failure);
      }
    });
    return result;
  }
}
