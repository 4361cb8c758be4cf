package dev.chorus.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.Ringbuffer;
import dev.chorus.support.RepoFiles;
import dev.chorus.support.StandaloneHazelcast;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HazelcastCallsTest {

  private static final int CALLS = 200;

  private static HazelcastInstance hazelcast;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    hazelcast = StandaloneHazelcast.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    hazelcast.shutdown();
  }

  @Test
  void resultsArriveOnTheContextWithoutAThreadPerResult() throws Exception {
    Ringbuffer<String> ring = hazelcast.getRingbuffer("calls-test");
    IMap<String, String> map = hazelcast.getMap("calls-test");
    ring.add("warm-up");
    map.set("warm-up", "x");
    Context context = vertx.getOrCreateContext();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Set<String> completingThreads = ConcurrentHashMap.newKeySet();
    List<Future<?>> results = new ArrayList<>();
    CompletableFuture<Boolean> allOnContext = new CompletableFuture<>();

    long started = threads.getTotalStartedThreadCount();
    context.runOnContext(v -> {
      for (int i = 0; i < CALLS; i++) {
        HazelcastCalls.whenComplete(ring.addAsync("m" + i, OverflowPolicy.OVERWRITE),
          (sequence, failure) -> completingThreads.add(Thread.currentThread().getName()));
        results.add(HazelcastCalls.onContext(map.setAsync("k" + i, "v"), context)
          .onComplete(done -> check(context, allOnContext)));
        results.add(HazelcastCalls.onContext(map.submitToKey("k" + i, entry -> entry.getKey()), context)
          .onComplete(done -> check(context, allOnContext)));
      }
      Future.all(results).onComplete(all -> allOnContext.complete(all.succeeded()));
    });
    assertTrue(allOnContext.get(30, TimeUnit.SECONDS), "every call succeeded, each answered on the context");
    long startedDuring = threads.getTotalStartedThreadCount() - started;

    // Before, a thread was started for each of the 600 results on a machine with 2 CPUs or fewer.
    assertTrue(startedDuring < 20, startedDuring + " threads started for " + 3 * CALLS + " results");
    assertTrue(completingThreads.stream().allMatch(name -> name.startsWith("hz.") || name.startsWith("vert.x-")),
      "callbacks run where the result completes: " + completingThreads);
  }

  @Test
  void aFailedCallFailsTheFutureWithItsCause() throws Exception {
    IMap<String, String> map = hazelcast.getMap("calls-test");
    Context context = vertx.getOrCreateContext();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    context.runOnContext(v -> HazelcastCalls.onContext(map.submitToKey("boom", entry -> {
        throw new IllegalStateException("refused by the processor");
      }), context)
      .onComplete(done -> failure.complete(Vertx.currentContext() == context ? done.cause() : new AssertionError("off context"))));
    Throwable cause = failure.get(30, TimeUnit.SECONDS);
    assertEquals(IllegalStateException.class, cause.getClass(), String.valueOf(cause));
    assertEquals("refused by the processor", cause.getMessage());
  }

  /** Everything of the server that waits on a Hazelcast result goes through {@link HazelcastCalls}. */
  @Test
  void noOtherCodeRegistersOnACompletionStage() throws Exception {
    Path main = RepoFiles.server("src", "main", "java", "dev", "chorus");
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(main)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        if (file.getFileName().toString().equals("HazelcastCalls.java")) {
          continue;
        }
        String source = Files.readString(file);
        if (source.contains("fromCompletionStage(") || source.contains("Async(") && source.contains(").whenComplete(")) {
          offenders.add(main.relativize(file).toString());
        }
      }
    }
    assertEquals(List.of(), offenders);
  }

  private static void check(Context context, CompletableFuture<Boolean> allOnContext) {
    if (Vertx.currentContext() != context) {
      allOnContext.complete(false);
    }
  }
}
