package dev.chorus.users;

import dev.chorus.cluster.ClusterBus;
import dev.chorus.support.FakeClientSocket;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** This node's part of the directory: counts stay right while a user's connections come and go on many threads. */
@Timeout(60)
class UserDirectoryTest {

  private final Vertx vertx = Vertx.vertx();
  private final UserDirectory users = new UserDirectory(new ClusterBus(vertx, null, () -> { }), "local",
    () -> List.of("local"));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aConnectionRegisteredWhileAnotherOfTheSameUserClosesIsNeverLost() throws Exception {
    users.start().await();
    Context context = vertx.getOrCreateContext();
    int threads = 4;
    int rounds = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<UserDirectory.Registration> kept = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      pool.execute(() -> {
        // Each thread: a connection that stays, then many that open and close at once (a reconnecting tab).
        UserDirectory.Registration stays = users.register("bob", new FakeClientSocket("/chat"), context);
        synchronized (kept) {
          kept.add(stays);
        }
        for (int i = 0; i < rounds; i++) {
          users.register("bob", new FakeClientSocket("/chat"), context).unregister();
        }
        done.countDown();
      });
    }
    assertTrue(done.await(30, TimeUnit.SECONDS));
    pool.shutdown();
    assertEquals(threads, users.lookup("bob").await().connections());
    kept.forEach(UserDirectory.Registration::unregister);
    assertEquals(0, users.lookup("bob").await().connections());
  }
}
