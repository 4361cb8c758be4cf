package dev.chorus.hub;

import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.support.Contexts;
import dev.chorus.support.FakeClientSocket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Local fan-out over fake sockets, with a history that is a sorted map: positions, seq order, gaps filled
 * from history, unsubscribing. Runs on one Vert.x context, as the hub does in a node.
 */
@Timeout(20)
class LocalHubTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  /** The room's retained messages, as the hub's source reads them. */
  private final TreeMap<Long, byte[]> history = new TreeMap<>();
  private final List<String> reads = new ArrayList<>();
  private final SequenceSource source = new SequenceSource() {
    @Override
    public Future<Long> lastSeq(String room) {
      return Future.succeededFuture(history.isEmpty() ? 0L : history.lastKey());
    }

    @Override
    public Future<SortedMap<Long, byte[]>> read(String room, long since, long upTo) {
      reads.add(since + ".." + upTo);
      return Future.succeededFuture(new TreeMap<>(history.subMap(since + 1, true, upTo, true)));
    }
  };
  private final LocalHub hub = Contexts.call(context, () -> new LocalHub(vertx, source, new ChorusMetrics(new SimpleMeterRegistry())));

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private <T> T onContext(Supplier<T> action) {
    return Contexts.call(context, action);
  }

  private void run(Runnable action) {
    Contexts.run(context, action);
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private long subscribe(String room, FakeClientSocket socket) {
    return onContext(() -> hub.subscribe(room, hub.liveSubscriber(socket))).await();
  }

  @Test
  void subscriberGetsTheRoomsPositionAndLaterMessagesInSeqOrder() {
    history.put(1L, json("m1"));
    history.put(2L, json("m2"));
    FakeClientSocket alice = new FakeClientSocket("/chat");
    FakeClientSocket bob = new FakeClientSocket("/chat");
    assertEquals(2, subscribe("dev", alice));
    assertEquals(2, subscribe("dev", bob));
    run(() -> {
      hub.deliver("dev", 3, json("m3"));
      hub.deliver("dev", 3, json("m3 twice"));
      hub.deliver("dev", 2, json("m2 late copy, after m3 went out"));
      hub.deliver("dev", -1, json("status"));
      hub.deliver("other", 4, json("elsewhere"));
    });
    assertEquals("m3", alice.next(WAIT));
    assertEquals("status", alice.next(WAIT));
    assertEquals("m3", bob.next(WAIT));
    assertEquals("status", bob.next(WAIT));
    assertEquals(List.of(), onContext(alice::drain));
    assertEquals(List.of(), reads, "no gap, no history read");
  }

  @Test
  void aGapThatDoesNotCloseIsFilledFromHistory() {
    FakeClientSocket alice = new FakeClientSocket("/chat");
    assertEquals(0, subscribe("dev", alice));
    history.put(1L, json("m1"));
    history.put(2L, json("m2"));
    history.put(3L, json("m3"));
    // The publish of m1 and m2 was lost with its node: only m3 arrives.
    run(() -> hub.deliver("dev", 3, json("m3")));
    assertEquals("m1", alice.next(WAIT));
    assertEquals("m2", alice.next(WAIT));
    assertEquals("m3", alice.next(WAIT));
    assertEquals(List.of("0..2"), onContext(() -> List.copyOf(reads)));
  }

  @Test
  void unsubscribedSocketHearsNothingAndTheLastOneClosesTheRoom() {
    FakeClientSocket alice = new FakeClientSocket("/chat");
    Subscriber subscriber = onContext(() -> hub.liveSubscriber(alice));
    onContext(() -> hub.subscribe("dev", subscriber)).await();
    assertEquals(1, (int) onContext(() -> hub.size("dev")));
    run(() -> hub.unsubscribe("dev", subscriber));
    run(() -> hub.deliver("dev", 1, json("m1")));
    assertEquals(0, (int) onContext(() -> hub.size("dev")));
    assertEquals(List.of(), onContext(alice::drain));
  }
}
