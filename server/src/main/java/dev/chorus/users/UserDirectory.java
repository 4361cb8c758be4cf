package dev.chorus.users;

import dev.chorus.protocol.CloseCode;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The users connected to this node, and what the admin API does to a user cluster-wide: look up, send a
 * direct message, disconnect. A user is a connection's verified JWT name, or its join name without JWT. Each
 * node keeps only its own connections (no cluster state per connection, so connecting and joining cost
 * nothing extra); a cluster-wide call asks every member at {@link #ADDRESS_PREFIX}{@code <node id>} and adds
 * up the answers, a member that does not answer within {@link #ASK_TIMEOUT_MS} counting as none. Thread-safe:
 * one per node; a connection's socket is only touched on its own event loop.
 */
public final class UserDirectory {

  /** Each node's address for the cluster-wide calls: this prefix and its node id. */
  public static final String ADDRESS_PREFIX = "chorus.users.";
  /** How long a cluster-wide call waits for one member. */
  public static final long ASK_TIMEOUT_MS = 2000;

  private static final String OP = "op";

  /** What the cluster knows of a user: its connections and the rooms they are in (sorted, once each). */
  public record User(String name, int connections, List<String> rooms) {
  }

  /** A connection of a user on this node; its rooms change on the connection's event loop. */
  public final class Registration {
    private final String user;
    private final ClientSocket socket;
    private final Context context;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();

    private Registration(String user, ClientSocket socket, Context context) {
      this.user = user;
      this.socket = socket;
      this.context = context;
    }

    public void joined(String room) {
      rooms.add(room);
    }

    public void left(String room) {
      rooms.remove(room);
    }

    /** The connection closed. */
    public void unregister() {
      users.computeIfPresent(user, (name, registrations) -> {
        registrations.remove(this);
        return registrations.isEmpty() ? null : registrations;
      });
    }
  }

  private final Vertx vertx;
  private final String nodeId;
  private final Supplier<List<String>> nodes;
  private final Map<String, Set<Registration>> users = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;

  /** {@code nodeId} is this node's, {@code nodes} every member's (the cluster manager's view). */
  public UserDirectory(Vertx vertx, String nodeId, Supplier<List<String>> nodes) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.nodes = nodes;
  }

  /** Answers the cluster-wide calls for this node's connections; completes once registered cluster-wide. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(ADDRESS_PREFIX + nodeId, this::answer);
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Registers a connection of {@code user}; call on the connection's event loop. */
  public Registration register(String user, ClientSocket socket) {
    Registration registration = new Registration(user, socket, Vertx.currentContext());
    users.computeIfAbsent(user, name -> ConcurrentHashMap.newKeySet()).add(registration);
    return registration;
  }

  /** The user's connections and rooms across the cluster. */
  public Future<User> lookup(String user) {
    return ask(new JsonObject().put(OP, "lookup").put("user", user)).map(answers -> {
      int connections = 0;
      TreeSet<String> rooms = new TreeSet<>();
      for (JsonObject answer : answers) {
        connections += answer.getInteger("connections", 0);
        answer.getJsonArray("rooms", new JsonArray()).forEach(room -> rooms.add((String) room));
      }
      return new User(user, connections, List.copyOf(rooms));
    });
  }

  /** Writes {@code json} to each of the user's connections on every node; completes with their number. */
  public Future<Integer> send(String user, byte[] json) {
    return count(new JsonObject().put(OP, "send").put("user", user).put("json", Buffer.buffer(json)));
  }

  /** Closes each of the user's connections on every node with {@code code}; completes with their number. */
  public Future<Integer> disconnect(String user, CloseCode code) {
    return count(new JsonObject().put(OP, "disconnect").put("user", user).put("code", code.name()));
  }

  private Future<Integer> count(JsonObject call) {
    return ask(call).map(answers -> answers.stream().mapToInt(answer -> answer.getInteger("connections", 0)).sum());
  }

  /** Every member's answer to {@code call}; a member that fails or does not answer in time gives none. */
  private Future<List<JsonObject>> ask(JsonObject call) {
    List<Future<JsonObject>> asked = new ArrayList<>();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ASK_TIMEOUT_MS);
    for (String node : nodes.get()) {
      asked.add(vertx.eventBus().<JsonObject>request(ADDRESS_PREFIX + node, call, options)
        .map(Message::body).otherwise(new JsonObject()));
    }
    return Future.all(asked).map(all -> {
      List<JsonObject> answers = new ArrayList<>();
      for (Future<JsonObject> answer : asked) {
        answers.add(answer.result());
      }
      return answers;
    });
  }

  /** This node's part of a cluster-wide call. */
  private void answer(Message<JsonObject> call) {
    String user = call.body().getString("user", "");
    Set<Registration> local = users.getOrDefault(user, Set.of());
    JsonObject answer = new JsonObject().put("connections", local.size());
    switch (call.body().getString(OP, "")) {
      case "lookup" -> {
        TreeSet<String> rooms = new TreeSet<>();
        local.forEach(registration -> rooms.addAll(registration.rooms));
        answer.put("rooms", new JsonArray(List.copyOf(rooms)));
      }
      case "send" -> {
        byte[] json = call.body().getBuffer("json").getBytes();
        local.forEach(registration -> registration.context.runOnContext(v -> {
          if (registration.socket.isOpen()) {
            registration.socket.sendText(json);
          }
        }));
      }
      case "disconnect" -> {
        CloseCode code = CloseCode.valueOf(call.body().getString("code"));
        local.forEach(registration -> registration.context.runOnContext(v -> registration.socket.close(code)));
      }
      default -> answer.put("connections", 0);
    }
    call.reply(answer);
  }
}
