package dev.chorus.multiprocess;

import dev.chorus.support.ChatClient;
import dev.chorus.support.NodeMemory;
import dev.chorus.support.NodeProcess;
import dev.chorus.support.RawWebSocket;
import dev.chorus.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntFunction;

import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding 1 of issue 29 as it was reproduced, against the jar as operators run it (-Xmx256m, so direct memory
 * is capped at 256 MiB too): {@value #MEMBERS} members with long names and meta in one room; {@value #ATTACKERS}
 * connections that join it, never read (16 KiB receive buffers) and ask {@code who} {@value #WHO_PER_SECOND}
 * times a second each, under the rate limit; a well-behaved client chatting with ids in another room. The
 * attackers are closed 1008 slow consumer, the good client gets every ack, and the node stays up, without
 * OutOfMemoryError, its direct memory within what the attackers' queues may hold. The same holds when
 * {@value #RESUMERS} connections resume {@value #ROOMS} rooms of long chats each and never read.
 * <p>It prints the node's heap, direct and resident memory before the attack, at its peak and after: run by
 * hand against another build of the jar ({@code -Dchorus.jar=/path/to/chat-server.jar}) to compare. Loopback
 * only; the attack lasts at most {@link #ATTACK_LIMIT}.
 */
@Timeout(240)
class OutboundFloodIT {

  private static final int MEMBERS = 200;
  private static final int ATTACKERS = 50;
  private static final int WHO_PER_SECOND = 19;
  private static final Duration ATTACK_LIMIT = Duration.ofSeconds(60);
  /** limits.writeQueueMaxBytes' default. */
  private static final long QUEUE_BYTES = 1 << 20;
  /**
   * What the attackers may make the node hold in direct memory: each its queue and one message past it, twice
   * (Netty's allocator keeps a whole chunk while any buffer in it is queued), plus the node's own buffers.
   * Before the fix the attack filled all 256 MiB, and the node dropped connections it could not serve.
   */
  private static final long DIRECT_BUDGET = 2 * ATTACKERS * (QUEUE_BYTES + (256 << 10)) + (32L << 20);
  private static final int ROOMS = 16;
  private static final int RESUMERS = 20;
  /** Chats in each resumed room: 100 of 4096 U+0001, which JSON escapes to 24.6 KB each, 2.4 MB a room. */
  private static final int ROOM_CHATS = 100;
  private static final String LONG = "\u0001".repeat(4096);
  private static final String META = new JsonObject().put("bio", "b".repeat(200)).put("device", "d".repeat(20)).encode();

  @RegisterExtension
  // Attackers, members and the good client all connect from 127.0.0.1: the per-address limit (tested in
  // PerAddressLimitTest) would stop the attack before it starts.
  static final TestNode NODE = TestNode.process("outbound-flood").env("MAX_CONNECTIONS_PER_ADDRESS", "0");

  @Test
  void whoFloodFromClientsThatNeverReadClosesThemAndCostsNobodyElseAnAck() throws Exception {
    List<ChatClient> members = joinMembers();
    Outcome outcome = attack("outbound-flood", ATTACKERS,
      i -> List.of(join(String.format("attacker-%023d", i)).encode()), OutboundFloodIT::flood);
    long stillMembers = members.stream().filter(member -> !member.isClosed()).count();
    System.out.println("[outbound-flood] members still connected: " + stillMembers + " of " + MEMBERS);

    assertOnlyTheAttackersPaid(outcome, ATTACKERS);
    assertEquals(MEMBERS, stillMembers, "the members, who read, all still connected");
    members.forEach(ChatClient::close);
  }

  @Test
  void resumesOfManyLongRoomsFromClientsThatNeverReadCloseThemAndCostNobodyElseAnAck() throws Exception {
    fillRooms();
    Outcome outcome = attack("replay-flood", RESUMERS, i -> {
      List<String> joins = new ArrayList<>();
      for (int room = 0; room < ROOMS; room++) {
        joins.add(new JsonObject().put("type", "join").put("name", "resumer-" + i).put("room", "long-" + room)
          .put("since", 0).encode());
      }
      return joins;
    }, OutboundFloodIT::awaitClosed);

    assertOnlyTheAttackersPaid(outcome, RESUMERS);
  }

  /** What an attack came to: attackers closed, slow-consumer closes counted, the good client, memory at its peak. */
  private record Outcome(int closed, long slowConsumerCloses, GoodClient good, NodeMemory peak) {
  }

  /**
   * Opens {@code count} raw sockets that never read, each sent its {@code opening} messages, then runs
   * {@code attack} over them (it returns how many the node closed) while a good client chats in a room of its
   * own and the node's memory is sampled; prints what it came to, under {@code label}.
   */
  private static Outcome attack(String label, int count, IntFunction<List<String>> opening,
                                Function<List<RawWebSocket>, Integer> attack) throws Exception {
    NodeProcess node = NODE.process();
    long closedBefore = slowConsumerCloses(node);
    NodeMemory before = NodeMemory.of(node);
    System.out.println("[" + label + "] " + NodeProcess.jar() + "\n[" + label + "] before the attack: " + before);
    List<RawWebSocket> attackers = new ArrayList<>();
    AtomicBoolean attacking = new AtomicBoolean(true);
    GoodClient good = new GoodClient(NODE.connect(), attacking);
    NodeMemory peak = before;
    int closed;
    try {
      for (int i = 0; i < count; i++) {
        RawWebSocket attacker = NODE.raw("/chat");
        opening.apply(i).forEach(attacker::sendText);
        attackers.add(attacker);
      }
      CompletableFuture<Integer> closes = CompletableFuture.supplyAsync(() -> attack.apply(attackers));
      while (!closes.isDone()) {
        peak = peak.max(NodeMemory.of(node));
        LockSupport.parkNanos(500_000_000L);
      }
      closed = closes.get();
    } finally {
      attacking.set(false);
      attackers.forEach(RawWebSocket::close);
    }
    good.finished().get();
    Outcome outcome = new Outcome(closed, slowConsumerCloses(node) - closedBefore, good, peak);
    System.out.println("[" + label + "] peak during the attack: " + peak + "\n[" + label + "] after: "
      + NodeMemory.of(node) + "\n[" + label + "] attackers closed by the node: " + closed + " of " + count
      + " (as slow consumers: " + outcome.slowConsumerCloses() + "); good client: " + good.acked.get() + " of "
      + good.sent.get() + " chats acked");
    return outcome;
  }

  /**
   * The node survived without OutOfMemoryError, closed all {@code attackers} as slow consumers and nobody
   * else, the good client got every ack, and direct memory stayed within the attackers' queues.
   */
  private static void assertOnlyTheAttackersPaid(Outcome outcome, int attackers) {
    NodeProcess node = NODE.process();
    assertTrue(node.isAlive(), "the node survives");
    assertEquals(200, node.http().status("/health"));
    assertFalse(node.log().contains("OutOfMemoryError"), "no OutOfMemoryError logged");
    assertEquals(attackers, outcome.closed(), "every attacker closed within " + ATTACK_LIMIT);
    assertEquals(attackers, outcome.slowConsumerCloses(), "each closed 1008 slow consumer, and nobody else");
    GoodClient good = outcome.good();
    assertNull(good.failure.get(), "the good client missed no ack");
    assertTrue(good.acked.get() > 0 && good.acked.get() == good.sent.get(), good.acked + " of " + good.sent + " acked");
    NodeMemory peak = outcome.peak();
    assertTrue(peak.directBytes() < DIRECT_BUDGET, "direct memory at its peak " + peak + " within " + DIRECT_BUDGET);
  }

  /** Rooms long-0 to long-{@value #ROOMS}, {@value #ROOM_CHATS} long chats each, sent under the rate limit. */
  private static void fillRooms() {
    List<ChatClient> fillers = new ArrayList<>();
    for (int room = 0; room < ROOMS; room++) {
      ChatClient filler = NODE.connect();
      filler.join("filler", "long-" + room);
      filler.awaitJson(joined("long-" + room, "filler"));
      fillers.add(filler);
    }
    for (int chat = 1; chat <= ROOM_CHATS; chat++) {
      for (int room = 0; room < ROOMS; room++) {
        fillers.get(room).send(new JsonObject().put("type", "chat").put("room", "long-" + room).put("message", LONG)
          .put("id", "f-" + chat));
      }
      LockSupport.parkNanos(1_000_000_000L / WHO_PER_SECOND);
    }
    for (ChatClient filler : fillers) {
      filler.awaitJson(new JsonObject().put("type", "ack").put("id", "f-" + ROOM_CHATS));
      filler.close();
    }
  }

  /** Writes to each socket every 250 ms until the node has closed them all or the limit passes; how many it closed. */
  private static int awaitClosed(List<RawWebSocket> sockets) {
    String typing = new JsonObject().put("type", "typing").put("room", "long-0").encode();
    boolean[] gone = new boolean[sockets.size()];
    int closed = 0;
    long end = System.nanoTime() + ATTACK_LIMIT.toNanos();
    while (closed < sockets.size() && System.nanoTime() < end) {
      for (int i = 0; i < sockets.size(); i++) {
        if (!gone[i] && closedOnWrite(sockets.get(i), typing)) {
          gone[i] = true;
          closed++;
        }
      }
      LockSupport.parkNanos(250_000_000L);
    }
    return closed;
  }

  /** The room of {@value #MEMBERS} members, each with a name of 32 characters and meta: who answers 70 KB. */
  private static List<ChatClient> joinMembers() {
    List<ChatClient> members = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      ChatClient member = NODE.connect();
      String name = String.format("member-%025d", i);
      member.send(join(name));
      member.awaitJson(joined("crowd", name));
      members.add(member);
    }
    return members;
  }

  private static JsonObject join(String name) {
    return new JsonObject().put("type", "join").put("name", name).put("room", "crowd").put("meta", new JsonObject(META));
  }

  /**
   * Every attacker asks who {@value #WHO_PER_SECOND} times a second (the rate limit is 20), round robin, until
   * the node has closed them all or the limit passes; returns how many it closed (a write that fails).
   */
  private static int flood(List<RawWebSocket> attackers) {
    String who = new JsonObject().put("type", "who").put("room", "crowd").encode();
    boolean[] gone = new boolean[attackers.size()];
    int closed = 0;
    long interval = 1_000_000_000L / WHO_PER_SECOND / attackers.size();
    long start = System.nanoTime();
    long end = start + ATTACK_LIMIT.toNanos();
    for (long tick = 0; closed < attackers.size() && System.nanoTime() < end; tick++) {
      int i = (int) (tick % attackers.size());
      long late = System.nanoTime() - (start + tick * interval);
      if (late > 200_000_000L) {
        // This thread was held up: go on from now, not in a burst that would pass the rate limit.
        start += late;
      }
      LockSupport.parkNanos(start + tick * interval - System.nanoTime());
      if (!gone[i] && closedOnWrite(attackers.get(i), who)) {
        gone[i] = true;
        closed++;
      }
    }
    return closed;
  }

  /** Writes {@code text}; true when the write fails, the node having closed the socket. */
  private static boolean closedOnWrite(RawWebSocket socket, String text) {
    try {
      socket.sendText(text);
      return false;
    } catch (UncheckedIOException e) {
      return true;
    }
  }

  private static long slowConsumerCloses(NodeProcess node) {
    String metrics = node.http().okBody("/metrics");
    for (String line : metrics.split("\n")) {
      if (line.startsWith("chorus_slow_client_disconnects_total")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  /** Chats with ids in a room of its own, the next once the last is acked, while the attack lasts. */
  private static final class GoodClient {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger acked = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CompletableFuture<Void> finished;

    GoodClient(ChatClient client, AtomicBoolean attacking) {
      client.join("good", "calm");
      client.awaitJson(joined("calm", "good"));
      finished = CompletableFuture.runAsync(() -> {
        try {
          while (attacking.get()) {
            String id = "c-" + sent.incrementAndGet();
            client.send(new JsonObject().put("type", "chat").put("room", "calm").put("message", id).put("id", id));
            client.awaitJson(new JsonObject().put("type", "ack").put("id", id), Duration.ofSeconds(10));
            acked.incrementAndGet();
            LockSupport.parkNanos(100_000_000L);
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }).whenComplete((done, e) -> closeQuietly(client));
    }

    CompletableFuture<Void> finished() {
      return finished;
    }

    /** A node in trouble may not answer the close handshake: that shows in the assertions, not here. */
    private static void closeQuietly(ChatClient client) {
      try {
        client.close();
      } catch (AssertionError notAnswered) {
        // the connection is dropped all the same
      }
    }
  }
}
