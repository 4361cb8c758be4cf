package dev.chorus.chat;

import com.hazelcast.core.HazelcastInstance;
import dev.chorus.broker.EventBusBroker;
import dev.chorus.config.Settings;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.history.RoomHistory;
import dev.chorus.hub.LocalHub;
import dev.chorus.metrics.ChorusMetrics;
import dev.chorus.presence.HazelcastPresence;
import dev.chorus.protocol.CloseCode;
import dev.chorus.support.Contexts;
import dev.chorus.support.FakeClientSocket;
import dev.chorus.support.StandaloneHazelcast;
import dev.chorus.support.TestNodes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chat connections over fake sockets, without a network or a node: one Vert.x context holding the hub and a
 * local event bus, and a real Hazelcast member on its own (no join) for history and presence.
 */
@Timeout(60)
class ChatConnectionTest {

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static HazelcastInstance hazelcast;
  private static Vertx vertx;
  private static Context context;
  private static ChatServices services;

  @BeforeAll
  static void start() {
    Settings settings = TestNodes.settings(TestNodes.withoutRateLimit(
      TestNodes.environment(TestNodes.uniqueClusterName(), "")));
    hazelcast = StandaloneHazelcast.start(settings.history().size());
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    ChorusMetrics metrics = new ChorusMetrics(new SimpleMeterRegistry());
    Contexts.call(context, () -> {
      RoomHistory history = new HazelcastRoomHistory(vertx, hazelcast, settings.history().size());
      LocalHub hub = new LocalHub(vertx, history, metrics);
      EventBusBroker broker = new EventBusBroker(vertx.eventBus(), hub, metrics);
      services = new ChatServices(hub, new RoomPublisher(history, broker), new HazelcastPresence(vertx, hazelcast),
        ChatRules.of(settings.limits()), settings.limits(), null, metrics);
      return broker.subscribe();
    }).await();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (hazelcast != null) {
      hazelcast.shutdown();
    }
  }

  /** Runs {@code action} on the connections' context and waits for it. */
  private static void on(Runnable action) {
    Contexts.run(context, action);
  }

  private static FakeClientSocket connect() {
    FakeClientSocket socket = new FakeClientSocket("/chat");
    on(() -> ChatConnection.attach(socket, services));
    return socket;
  }

  private static void send(FakeClientSocket socket, JsonObject message) {
    on(() -> socket.receive(message.encode()));
  }

  private static JsonObject next(FakeClientSocket socket) {
    return new JsonObject(socket.next(WAIT));
  }

  private static String room() {
    return "room-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void joinNoticeThenChatWithSeqReachEveryMember() {
    String room = room();
    FakeClientSocket alice = connect();
    FakeClientSocket bob = connect();
    send(alice, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    assertEquals("alice joined the chat.", next(alice).getString("message"));
    send(bob, new JsonObject().put("type", "join").put("name", "bob").put("room", room));
    assertEquals("bob joined the chat.", next(bob).getString("message"));
    assertEquals("bob joined the chat.", next(alice).getString("message"));
    send(alice, new JsonObject().put("type", "chat").put("message", "hi"));
    for (FakeClientSocket member : List.of(alice, bob)) {
      JsonObject chat = next(member);
      assertEquals("chat", chat.getString("type"));
      assertEquals("alice", chat.getString("sender"));
      assertEquals("hi", chat.getString("message"));
      assertEquals(room, chat.getString("room"));
      assertEquals(1L, chat.getLong("seq"));
    }
  }

  @Test
  void chatBeforeJoinGetsTheSeedsError() {
    FakeClientSocket socket = connect();
    send(socket, new JsonObject().put("type", "chat").put("message", "hello?"));
    assertEquals(new JsonObject().put("type", "error").put("message", "Invalid message format or not joined."),
      next(socket));
    assertTrue(socket.isOpen());
  }

  @Test
  void binaryMessageClosesWith1003() {
    FakeClientSocket socket = connect();
    on(() -> socket.receiveBinary(new byte[] {1, 2}));
    assertEquals(CloseCode.UNSUPPORTED_DATA, socket.closedWith());
  }

  @Test
  void disconnectSendsTheLeftNoticeAndLeavesPresence() {
    String room = room();
    FakeClientSocket alice = connect();
    FakeClientSocket bob = connect();
    send(alice, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    next(alice);
    send(bob, new JsonObject().put("type", "join").put("name", "bob").put("room", room));
    next(bob);
    next(alice);
    on(bob::disconnect);
    assertEquals("bob left the chat.", next(alice).getString("message"));
    send(alice, new JsonObject().put("type", "who"));
    assertEquals(List.of("alice"), next(alice).getJsonArray("members").getList());
  }

  @Test
  void resumeReplaysWhatWasMissedThenGoesLive() {
    String room = room();
    FakeClientSocket alice = connect();
    send(alice, new JsonObject().put("type", "join").put("name", "alice").put("room", room));
    next(alice);
    for (int i = 1; i <= 3; i++) {
      send(alice, new JsonObject().put("type", "chat").put("message", "m" + i));
      assertEquals(i, next(alice).getLong("seq"));
    }
    FakeClientSocket late = connect();
    send(late, new JsonObject().put("type", "join").put("name", "late").put("room", room).put("since", 1));
    assertEquals("m2", next(late).getString("message"));
    assertEquals("m3", next(late).getString("message"));
    assertEquals("late joined the chat.", next(late).getString("message"));
    send(alice, new JsonObject().put("type", "chat").put("message", "m4"));
    JsonObject live = next(late);
    assertEquals("m4", live.getString("message"));
    assertEquals(4L, live.getLong("seq"));
  }
}
