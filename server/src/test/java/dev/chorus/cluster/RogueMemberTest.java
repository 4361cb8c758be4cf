package dev.chorus.cluster;

import com.hazelcast.config.Config;
import dev.chorus.ChorusNode;
import dev.chorus.broker.SubscriptionProbe;
import dev.chorus.config.Settings;
import dev.chorus.history.HazelcastRoomHistory;
import dev.chorus.presence.HazelcastPresence;
import dev.chorus.protocol.CloseCode;
import dev.chorus.protocol.MessageCodec;
import dev.chorus.protocol.ServerMessage;
import dev.chorus.support.Await;
import dev.chorus.support.ChatClient;
import dev.chorus.support.FreePorts;
import dev.chorus.support.LogLines;
import dev.chorus.support.TestNode;
import dev.chorus.users.UserDirectory;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.chorus.support.Json.chat;
import static dev.chorus.support.Json.joined;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real nodes and a rogue member: a clustered Vert.x with the cluster's name and Chorus's Hazelcast
 * configuration (what anyone with the public jar who reaches the cluster port can start), but without the
 * cluster secret. It listens on every address of Vert.x's subscription map while clients join with meta,
 * chat and get a direct message, and hears none of it; then it sends, on every Chorus address, what it made (a chat
 * forged as alice's, a direct message, a disconnect, a probe) and what it heard (replays, and a broadcast
 * moved to another address). With the secret on the nodes nothing reaches a client and every node counts it;
 * without it the same rogue succeeds, so the test can fail. Nodes with different secrets never exchange a message.
 */
@Timeout(150)
class RogueMemberTest {

  private static final String SECRET = "rogue-test-cluster-secret-0123456789abcdef";
  private static final String ROOM = "board";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final String ADMIN_TOKEN = "rogue-test-admin-token-0123456789";

  /** The rogue: a member of the cluster, sending plain envelopes as the public jar would. */
  private static final class Rogue implements AutoCloseable {
    final Vertx vertx;
    final HazelcastClusterManager manager;
    final ClusterBus bus;
    /** What it heard on the room address. */
    final List<Buffer> heard = new CopyOnWriteArrayList<>();
    /** What it heard on any address, as text. */
    final List<String> heardAnywhere = new CopyOnWriteArrayList<>();
    private final List<MessageConsumer<Object>> elsewhere = new ArrayList<>();

    Rogue(TestNode member) {
      Settings.Cluster cluster = new Settings.Cluster(member.clusterName(), "127.0.0.1", FreePorts.next(),
        List.of(member.clusterAddress()), 0, "", "");
      Config config = ClusterConfigFactory.create(cluster, Path.of("target"));
      HazelcastRoomHistory.configure(config);
      HazelcastPresence.configure(config);
      manager = new HazelcastClusterManager(config);
      vertx = Vertx.builder().with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1")
        .setClusterPublicHost("127.0.0.1"))).withClusterManager(manager).buildClustered().await();
      bus = new ClusterBus(vertx, null, () -> { });
    }

    /**
     * Listens on every address in Vert.x's subscription map (the nodes now publish to it too, and it takes its
     * turn at their sends), without being able to open anything.
     */
    void eavesdrop() {
      MessageConsumer<Object> rooms = vertx.eventBus().consumer(Addresses.ROOM_BROADCAST, message -> {
        if (message.body() instanceof Buffer buffer) {
          heard.add(buffer);
        }
        heardAnywhere.add(text(message.body()));
      });
      Await.result(rooms.completion(), WAIT);
      for (Object address : manager.getHazelcastInstance().getMultiMap("__vertx.subs").keySet()) {
        if (!Addresses.ROOM_BROADCAST.equals(address)) {
          MessageConsumer<Object> consumer = vertx.eventBus().consumer(address.toString(),
            message -> heardAnywhere.add(text(message.body())));
          Await.result(consumer.completion(), WAIT);
          elsewhere.add(consumer);
        }
      }
    }

    /** Stops listening but on the room address, so that what it sends to a node's address reaches the node. */
    void listenOnlyToRooms() {
      elsewhere.forEach(consumer -> Await.result(consumer.unregister(), WAIT));
    }

    private static String text(Object body) {
      return body instanceof Buffer buffer ? buffer.toString(StandardCharsets.ISO_8859_1) : String.valueOf(body);
    }

    List<String> nodeIds() {
      List<String> nodes = new ArrayList<>(manager.getNodes());
      nodes.remove(manager.getNodeId());
      return nodes;
    }

    /**
     * Everything it can send: a forged chat and the broadcasts it heard to every node, and to each node's own
     * addresses a direct message, a probe, a broadcast moved there and a disconnect.
     */
    void attack() {
      long now = System.currentTimeMillis();
      bus.publish(Addresses.ROOM_BROADCAST, new Envelope(Map.of(Addresses.ROOM_HEADER, ROOM), MessageCodec.encode(
        new ServerMessage.Chat(ROOM, ServerMessage.Chat.UNSEQUENCED, now, "alice", null, "FORGED-marker", null))));
      byte[] direct = MessageCodec.encode(new ServerMessage.Direct("admin", "PHISH-marker", now));
      for (String node : nodeIds()) {
        bus.request(UserDirectory.ADDRESS_PREFIX + node, json(new JsonObject().put("op", "send").put("user", "bob")
          .put("json", Buffer.buffer(direct))), 1000);
        bus.request(SubscriptionProbe.ADDRESS_PREFIX + node, Envelope.of(manager.getNodeId().getBytes(
          StandardCharsets.UTF_8)), 1000);
        vertx.eventBus().send(UserDirectory.ADDRESS_PREFIX + node, heard.get(0));
      }
      heard.forEach(sealed -> vertx.eventBus().publish(Addresses.ROOM_BROADCAST, sealed));
      for (String node : nodeIds()) {
        bus.request(UserDirectory.ADDRESS_PREFIX + node, json(new JsonObject().put("op", "disconnect")
          .put("user", "bob").put("code", CloseCode.DISCONNECTED_BY_SERVER.name())), 1000);
      }
    }

    private static Envelope json(JsonObject call) {
      return Envelope.of(call.toBuffer().getBytes());
    }

    @Override
    public void close() {
      vertx.close().await();
    }
  }

  private static double rejected(TestNode node) {
    Counter counter = node.node().metrics().registry().find("chorus.cluster.rejected").counter();
    return counter == null ? 0 : counter.count();
  }

  private static ChatClient joinedAs(TestNode node, String name) {
    ChatClient client = node.connect();
    client.join(name, ROOM);
    client.awaitJson(joined(ROOM, name));
    return client;
  }

  private static TestNode node(String secret) {
    return TestNode.inProcess().withoutRateLimit().env("CLUSTER_SECRET", secret).env("ADMIN_TOKEN", ADMIN_TOKEN);
  }

  @Test
  void aRogueWithoutTheSecretHearsNothingReadableAndReachesNoClient() {
    try (TestNode first = node(SECRET).start(); TestNode second = node(SECRET).joining(first).start();
         ChatClient bob = joinedAs(second, "bob"); Rogue rogue = new Rogue(first);
         ChatClient alice = first.connect()) {
      rogue.eavesdrop();
      alice.send(new JsonObject().put("type", "join").put("name", "alice").put("room", ROOM)
        .put("meta", new JsonObject().put("email", "alice-marker@example.com")));
      alice.awaitJson(joined(ROOM, "alice"));
      Await.until(() -> {
        alice.chat(ROOM, "hello-marker");
        return !rogue.heard.isEmpty();
      }, WAIT, "the rogue hearing a broadcast");
      bob.awaitJson(chat(ROOM, "alice", "hello-marker"));
      // A direct message through the admin API: the rogue takes its turn at the users calls, so it may fail.
      first.http().header("Authorization", "Bearer " + ADMIN_TOKEN).post("/api/users/bob/messages",
        new JsonObject().put("sender", "ops").put("message", "direct-marker").encode());
      for (String wire : rogue.heardAnywhere) {
        assertFalse(wire.contains("marker") || wire.contains(ROOM) || wire.contains("alice"), "readable: " + wire);
      }
      rogue.listenOnlyToRooms();

      int heard = rogue.heard.size();
      rogue.attack();
      // Per node: the forged chat, the replays, and to its own addresses a send, a probe, a moved broadcast and a
      // disconnect.
      int expected = 1 + heard + 4;
      for (TestNode node : List.of(first, second)) {
        Await.until(() -> rejected(node) >= expected, WAIT, () -> node + " rejected " + rejected(node) + " of " + expected);
      }

      alice.chat(ROOM, "sentinel");
      JsonObject next;
      do {
        next = bob.nextJson();
        assertFalse(next.encode().contains("FORGED") || next.encode().contains("PHISH"), next.encode());
      } while (!"sentinel".equals(next.getString("message")));
      assertFalse(bob.isClosed(), "bob was not disconnected");
      bob.chat(ROOM, "still here");
      alice.awaitJson(chat(ROOM, "bob", "still here"));
    }
  }

  /** The same rogue, nodes without a secret (the loopback case): it succeeds, so the test above can fail. */
  @Test
  void withoutTheSecretTheSameRogueReachesClients() {
    try (LogLines warnings = LogLines.of(ChorusNode.class);
         TestNode first = node("").start(); TestNode second = node("").joining(first).start();
         ChatClient alice = joinedAs(first, "alice"); ChatClient bob = joinedAs(second, "bob");
         Rogue rogue = new Rogue(first)) {
      assertEquals(2, warnings.messages().stream().filter(line -> line.contains("No cluster.secret")).count(),
        "one warning per node started without a secret: " + warnings.messages());
      rogue.eavesdrop();
      Await.until(() -> {
        alice.chat(ROOM, "hello");
        return !rogue.heard.isEmpty();
      }, WAIT, "the rogue hearing a broadcast");
      assertTrue(rogue.heard.get(0).toString(StandardCharsets.ISO_8859_1).contains("hello"), "plain on the wire");
      rogue.listenOnlyToRooms();

      rogue.attack();
      StringBuilder received = new StringBuilder();
      for (ChatClient.Received next = bob.nextOrClosed(WAIT); next != null; next = bob.nextOrClosed(WAIT)) {
        received.append(next.json().encode()).append('\n');
      }
      assertTrue(received.indexOf("FORGED-marker") >= 0, "the forged chat reached bob: " + received);
      assertTrue(received.indexOf("PHISH-marker") >= 0, "the direct message reached bob: " + received);
      assertEquals(CloseCode.DISCONNECTED_BY_SERVER.code(), bob.awaitClose(WAIT));
      assertEquals(0, rejected(first) + rejected(second));
    }
  }

  @Test
  void nodesWithDifferentSecretsNeverExchangeAMessage() {
    try (TestNode first = node(SECRET).start();
         TestNode second = node(SECRET.replace('r', 'R')).joining(first).start();
         ChatClient alice = joinedAs(first, "alice"); ChatClient bob = joinedAs(second, "bob")) {
      double before = rejected(second);
      alice.chat(ROOM, "from the first");
      alice.awaitJson(chat(ROOM, "alice", "from the first"));
      Await.until(() -> rejected(second) > before, WAIT, "the second node refusing the first's broadcast");
      double beforeFirst = rejected(first);
      bob.chat(ROOM, "from the second");
      bob.awaitJson(chat(ROOM, "bob", "from the second"));
      Await.until(() -> rejected(first) > beforeFirst, WAIT, "the first node refusing the second's broadcast");
      bob.assertQuietFor(Duration.ofMillis(200), "a message from the first node");
      alice.assertQuietFor(Duration.ofMillis(200), "a message from the second node");
    }
  }
}
