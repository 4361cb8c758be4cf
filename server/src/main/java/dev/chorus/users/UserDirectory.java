package dev.chorus.users;

import dev.chorus.cluster.ClusterBus;
import dev.chorus.cluster.Envelope;
import dev.chorus.protocol.CloseCode;
import dev.chorus.transport.ClientSocket;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The users connected to this node, and what the admin API does to a user cluster-wide: look up, send a
 * direct message, disconnect. A user is a connection's token's {@code sub} with JWT on (not its name: two
 * people may share a name), or its first join's name without JWT. Each
 * node keeps only its own connections (no cluster state per connection, so connecting and joining cost
 * nothing extra); a cluster-wide call asks every member at {@link #ADDRESS_PREFIX}{@code <node id>} and adds
 * up the answers; it fails when a member does not answer within {@link #ASK_TIMEOUT_MS}. Thread-safe:
 * one per node; a connection's socket is only touched on its own event loop.
 */
public final class UserDirectory {

  /** Each node's address for the cluster-wide calls: this prefix and its node id. */
  public static final String ADDRESS_PREFIX = "chorus.users.";
  /** How long a cluster-wide call waits for one member. */
  public static final long ASK_TIMEOUT_MS = 2000;

  private static final String OP = "op";
  private static final Logger LOG = LoggerFactory.getLogger(UserDirectory.class);

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

    /** Runs {@code action} with the socket on the socket's own event loop. */
    private void onItsEventLoop(Consumer<ClientSocket> action) {
      context.runOnContext(v -> action.accept(socket));
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

  private final ClusterBus bus;
  private final String nodeId;
  private final Supplier<List<String>> nodes;
  private final Map<String, Set<Registration>> users = new ConcurrentHashMap<>();
  private MessageConsumer<Object> consumer;

  /**
   * {@code nodeId} is this node's, {@code nodes} every member's (the cluster manager's view); calls and answers
   * go through {@code bus}, sealed like every message between nodes.
   */
  public UserDirectory(ClusterBus bus, String nodeId, Supplier<List<String>> nodes) {
    this.bus = bus;
    this.nodeId = nodeId;
    this.nodes = nodes;
  }

  /** Answers the cluster-wide calls for this node's connections; completes once registered cluster-wide. */
  public Future<Void> start() {
    consumer = bus.consumer(ADDRESS_PREFIX + nodeId, this::answer);
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Registers a connection of {@code user}, whose socket lives on {@code context}. */
  public Registration register(String user, ClientSocket socket, Context context) {
    Registration registration = new Registration(user, socket, Objects.requireNonNull(context, "context"));
    // In one atomic step: a set emptied (and removed) by another connection's close must not take this one.
    users.compute(user, (name, registrations) -> {
      Set<Registration> set = registrations == null ? ConcurrentHashMap.newKeySet() : registrations;
      set.add(registration);
      return set;
    });
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

  /**
   * Every member's answer to {@code call}. Fails, naming them, when a member fails or does not answer in
   * time: the caller cannot tell what that member holds (its node may be dying, or still starting).
   */
  private Future<List<JsonObject>> ask(JsonObject call) {
    List<String> members = nodes.get();
    List<Future<JsonObject>> asked = new ArrayList<>();
    Envelope envelope = Envelope.of(call.toBuffer().getBytes());
    for (String node : members) {
      asked.add(bus.request(ADDRESS_PREFIX + node, envelope, ASK_TIMEOUT_MS)
        .map(answer -> new JsonObject(Buffer.buffer(answer.body()))));
    }
    return Future.join(asked).transform(all -> {
      List<JsonObject> answers = new ArrayList<>();
      List<String> silent = new ArrayList<>();
      for (int i = 0; i < asked.size(); i++) {
        if (asked.get(i).succeeded()) {
          answers.add(asked.get(i).result());
        } else {
          silent.add(members.get(i));
        }
      }
      if (!silent.isEmpty()) {
        LOG.warn("Users call '{}' for '{}': no answer from member(s) {}", call.getString(OP), call.getString("user"),
          silent);
        return Future.failedFuture("no answer from member(s) " + silent);
      }
      return Future.succeededFuture(answers);
    });
  }

  /** This node's part of a cluster-wide call. */
  private void answer(ClusterBus.Incoming incoming) {
    JsonObject call;
    try {
      call = new JsonObject(Buffer.buffer(incoming.envelope().body()));
    } catch (RuntimeException e) {
      return; // Not a call of this version (on a node without a secret, anyone's plain message): no answer.
    }
    String user = call.getString("user", "");
    Set<Registration> local = users.getOrDefault(user, Set.of());
    JsonObject answer = new JsonObject().put("connections", local.size());
    switch (call.getString(OP, "")) {
      case "lookup" -> {
        TreeSet<String> rooms = new TreeSet<>();
        local.forEach(registration -> rooms.addAll(registration.rooms));
        answer.put("rooms", new JsonArray(List.copyOf(rooms)));
      }
      case "send" -> {
        byte[] json = call.getBuffer("json").getBytes();
        local.forEach(registration -> registration.onItsEventLoop(socket -> {
          if (socket.isOpen()) {
            socket.sendText(json);
          }
        }));
      }
      case "disconnect" -> {
        CloseCode code = CloseCode.valueOf(call.getString("code"));
        local.forEach(registration -> registration.onItsEventLoop(socket -> socket.close(code)));
      }
      default -> answer.put("connections", 0);
    }
    incoming.reply(Envelope.of(answer.toBuffer().getBytes()));
  }
}
